import { Body, Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CartService } from '../cart/cart.service';
import type { CartSession } from '../cart/cart-session';
import { ProductsRepository } from '../products/products.repository';
import { errorCodeOf, formField, type FormBody } from './page-form';
import { PageExceptionFilter } from './page-exception.filter';
import { PageResponder } from './page-responder';
import { shopView } from './views/shop.view';

/** What the shop says for each refusal of the cart. */
const CART_ERRORS: Record<string, string> = {
  PRODUCT_NOT_FOUND: 'That product does not exist.',
  INSUFFICIENT_STOCK: 'There is not enough stock for one more.',
  SESSION_DATA_TOO_LARGE: 'Your cart is full.',
};

@ApiExcludeController()
@Controller('shop')
@UseFilters(PageExceptionFilter)
export class ShopPageController {
  constructor(
    private readonly pages: PageResponder,
    private readonly cart: CartService,
    private readonly products: ProductsRepository,
  ) {}

  @Get()
  async shop(@Req() req: Request, @Res() res: Response): Promise<void> {
    const cart = this.cart.view(req.session as CartSession);
    const csrfToken = await this.pages.csrfToken(req);
    this.pages.send(
      req,
      res,
      'Shop',
      shopView({ products: this.products.list(), cart, csrfToken }),
    );
  }

  @Post('cart')
  async add(@Req() req: Request, @Res() res: Response, @Body() body: FormBody): Promise<void> {
    const productId = formField(body, 'productId', 64);
    try {
      await this.cart.add(req, productId, 1);
    } catch (error) {
      const message = CART_ERRORS[errorCodeOf(error) ?? ''];
      if (!message) throw error;
      return this.pages.redirectWithFlash(req, res, '/shop', 'error', message);
    }
    const name = this.products.findById(productId)?.name ?? productId;
    this.pages.redirectWithFlash(req, res, '/shop', 'success', `Added ${name} to your cart.`);
  }
}
