import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AuthGuard,
  Roles,
  RolesGuard,
  Session,
  SessionService,
  SessionUser,
  type AppSession,
  type SessionPrincipal,
} from 'nest-session-kit';
import './session-data';

@Controller()
export class AppController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Body() body: { name: string; admin?: boolean }) {
    const roles = body.admin ? ['admin'] : ['user'];
    await this.sessions.login(req, { id: body.name, roles });
    return { csrfToken: await this.sessions.csrfToken(req) };
  }

  @Get('me')
  @UseGuards(AuthGuard)
  me(@SessionUser() user: SessionPrincipal, @Session() session: AppSession) {
    session.history = [...(session.history ?? []), Date.now()];
    return { user, visits: session.history.length };
  }

  @Get('admin')
  @UseGuards(AuthGuard, RolesGuard)
  @Roles('admin')
  admin() {
    return { admin: true };
  }

  @Post('notes')
  @UseGuards(AuthGuard)
  addNote(@Session() session: AppSession, @Body() body: { text: string }) {
    session.notes = [...(session.notes ?? []), body.text];
    return { notes: session.notes };
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    return this.sessions.logout(req, res);
  }
}
