import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CartModule } from '../cart/cart.module';
import { ProductsModule } from '../products/products.module';
import { UsersModule } from '../users/users.module';
import { AccountPagesController } from './account-pages.controller';
import { DashboardPageController } from './dashboard-page.controller';
import { HomePageController } from './home-page.controller';
import { LoginPageController } from './login-page.controller';
import { PageAssetsController } from './page-assets.controller';
import { PageExceptionFilter } from './page-exception.filter';
import { PageResponder } from './page-responder';
import { ShopPageController } from './shop-page.controller';

/** Server-rendered pages for people in a browser, over the same services as the JSON API. */
@Module({
  imports: [AuthModule, CartModule, ProductsModule, UsersModule],
  controllers: [
    HomePageController,
    LoginPageController,
    AccountPagesController,
    ShopPageController,
    DashboardPageController,
    PageAssetsController,
  ],
  providers: [PageResponder, PageExceptionFilter],
})
export class PagesModule {}
