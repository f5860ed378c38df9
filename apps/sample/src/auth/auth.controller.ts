import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AuthGuard,
  SessionHttpException,
  SessionService,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';
import { UsersRepository } from '../users/users.repository';
import { LoginDto, ReauthDto } from './auth.dto';

const invalidCredentials = () =>
  new SessionHttpException(
    HttpStatus.UNAUTHORIZED,
    'INVALID_CREDENTIALS',
    'Invalid email or password',
  );

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersRepository,
  ) {}

  @Get('csrf')
  async csrf(@Req() req: Request): Promise<{ csrfToken: string }> {
    return { csrfToken: await this.sessions.csrfToken(req) };
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(@Req() req: Request, @Body() body: LoginDto) {
    const user = await this.users.verifyCredentials(body.email, body.password);
    if (!user) throw invalidCredentials();
    await this.sessions.login(
      req,
      { id: user.id, email: user.email, roles: user.roles },
      { carry: ['cart', 'preferences', 'history'], rememberMe: body.rememberMe },
    );
    return {
      user: { id: user.id, email: user.email, roles: user.roles },
      csrfToken: req.session.csrfToken,
    };
  }

  @Post('logout')
  @UseGuards(AuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.logout(req, res);
  }

  @Get('me')
  @UseGuards(AuthGuard)
  me(@SessionUser() user: SessionPrincipal) {
    return { user: { id: user.id, email: user.email, roles: user.roles } };
  }

  @Post('reauth')
  @UseGuards(AuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  async reauth(
    @Req() req: Request,
    @SessionUser() user: SessionPrincipal,
    @Body() body: ReauthDto,
  ): Promise<void> {
    if (!(await this.users.verifyPassword(user.id, body.password))) throw invalidCredentials();
    await this.sessions.reauthenticate(req);
  }
}
