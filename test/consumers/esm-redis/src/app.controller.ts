import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  Auth,
  AuthGuard,
  Flash,
  Session,
  SessionFlash,
  SessionService,
  SessionUser,
  type AppSession,
  type SessionPrincipal,
} from 'nest-session-kit';
import './session-data.js';

@Controller()
export class AppController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Body() body: { name: string; admin?: boolean }) {
    await this.sessions.login(req, { id: body.name, roles: body.admin ? ['admin'] : ['user'] });
    return { csrfToken: await this.sessions.csrfToken(req) };
  }

  @Get('me')
  @UseGuards(AuthGuard)
  me(@SessionUser() user: SessionPrincipal, @Flash() flash: SessionFlash) {
    return { user, flash: flash.consumeAll() };
  }

  @Get('admin')
  @Auth('admin')
  admin() {
    return { admin: true };
  }

  @Post('cart')
  @UseGuards(AuthGuard)
  add(@Req() req: Request, @Session() session: AppSession, @Body() body: { productId: string }) {
    const cart = session.cart ?? {};
    cart[body.productId] = { quantity: (cart[body.productId]?.quantity ?? 0) + 1 };
    session.cart = cart;
    SessionFlash.of(req).add('success', `Added ${body.productId}`);
    return { cart };
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    return this.sessions.logout(req, res);
  }
}
