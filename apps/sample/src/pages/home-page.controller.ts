import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PageExceptionFilter } from './page-exception.filter';
import { PageResponder } from './page-responder';
import { homeView } from './views/home.view';

@ApiExcludeController()
@Controller()
@UseFilters(PageExceptionFilter)
export class HomePageController {
  constructor(private readonly pages: PageResponder) {}

  @Get()
  home(@Req() req: Request, @Res() res: Response): void {
    this.pages.send(req, res, 'Home', homeView(req.session?.user));
  }
}
