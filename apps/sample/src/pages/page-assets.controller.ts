import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PAGE_STYLES } from './page-styles';

/** The pages' stylesheet, from the app itself (no static folder to deploy). */
@ApiExcludeController()
@Controller('assets')
export class PageAssetsController {
  @Get('pages.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  styles(): string {
    return PAGE_STYLES;
  }
}
