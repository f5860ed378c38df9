import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AuthGuard,
  SessionRegistry,
  SessionService,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';
import { AuthService } from '../auth/auth.service';
import { errorCodeOf, formField, type FormBody } from './page-form';
import { PageExceptionFilter } from './page-exception.filter';
import { PageResponder } from './page-responder';
import { accountView } from './views/account.view';
import { sessionsView } from './views/sessions.view';

const SESSIONS_PAGE = '/account/sessions';

@ApiExcludeController()
@Controller('account')
@UseGuards(AuthGuard)
@UseFilters(PageExceptionFilter)
export class AccountPagesController {
  constructor(
    private readonly pages: PageResponder,
    private readonly registry: SessionRegistry,
    private readonly sessions: SessionService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  async account(
    @Req() req: Request,
    @Res() res: Response,
    @SessionUser() user: SessionPrincipal,
  ): Promise<void> {
    const csrfToken = await this.sessions.csrfToken(req);
    this.pages.send(req, res, 'Your account', accountView(user, csrfToken));
  }

  @Get('sessions')
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @SessionUser() user: SessionPrincipal,
  ): Promise<void> {
    const sessions = await this.registry.listSessions(user.id, req.session.auth?.handle);
    const csrfToken = await this.sessions.csrfToken(req);
    const freshLogin = this.pages.isFreshLogin(req);
    this.pages.send(req, res, 'Your sessions', sessionsView({ sessions, csrfToken, freshLogin }));
  }

  @Post('sessions/revoke-others')
  async revokeOthers(
    @Req() req: Request,
    @Res() res: Response,
    @SessionUser() user: SessionPrincipal,
    @Body() body: FormBody,
  ): Promise<void> {
    if (!this.pages.isFreshLogin(req)) {
      const refusal = await this.confirmPassword(req, user, formField(body, 'password', 1024));
      if (refusal) return this.pages.redirectWithFlash(req, res, SESSIONS_PAGE, 'error', refusal);
    }
    await this.registry.revokeOtherSessions(user.id, req.session.auth?.handle);
    this.pages.redirectWithFlash(
      req,
      res,
      SESSIONS_PAGE,
      'success',
      'Every other session was signed out.',
    );
  }

  @Post('sessions/:handle/revoke')
  async revoke(
    @Req() req: Request,
    @Res() res: Response,
    @SessionUser() user: SessionPrincipal,
    @Param('handle') handle: string,
  ): Promise<void> {
    const revoked =
      handle !== req.session.auth?.handle && (await this.registry.revokeSession(user.id, handle));
    if (revoked) {
      return this.pages.redirectWithFlash(
        req,
        res,
        SESSIONS_PAGE,
        'success',
        'The session was signed out.',
      );
    }
    this.pages.redirectWithFlash(
      req,
      res,
      SESSIONS_PAGE,
      'error',
      'That session is no longer active.',
    );
  }

  /** Re-authenticates with the password (counted toward the lockout); the refusal, if any. */
  private async confirmPassword(
    req: Request,
    user: SessionPrincipal,
    password: string,
  ): Promise<string | undefined> {
    if (!password) return 'Confirm your password to sign out the other sessions.';
    try {
      await this.auth.verifyCurrentPassword(req, user.id, password);
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'INVALID_CREDENTIALS') return 'That password is not right.';
      if (code === 'TOO_MANY_ATTEMPTS') return 'Too many wrong passwords: try again later.';
      throw error;
    }
    await this.sessions.reauthenticate(req);
    return undefined;
  }
}
