import { Body, Controller, Get, HttpStatus, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SessionService } from 'nest-session-kit';
import { AuthService } from '../auth/auth.service';
import { errorCodeOf, errorMessageOf, formField, type FormBody } from './page-form';
import { PageExceptionFilter } from './page-exception.filter';
import { PageResponder } from './page-responder';
import { loginView, mfaView } from './views/login.view';
import { redirectTo, setReplyHeader } from './page-reply';

/** What the sign-in form says for each refusal of the JSON API's login. */
const LOGIN_ERRORS: Record<string, [HttpStatus, string]> = {
  INVALID_CREDENTIALS: [HttpStatus.UNAUTHORIZED, 'Wrong email or password.'],
  INVALID_MFA_CODE: [HttpStatus.UNAUTHORIZED, 'That code is not valid. Try the current one.'],
};

@ApiExcludeController()
@Controller()
@UseFilters(PageExceptionFilter)
export class LoginPageController {
  constructor(
    private readonly pages: PageResponder,
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
  ) {}

  @Get('login')
  async loginForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.session?.user) return redirectTo(res, '/account');
    this.pages.send(req, res, 'Sign in', loginView({ csrfToken: await this.pages.csrfToken(req) }));
  }

  @Post('login')
  async login(@Req() req: Request, @Res() res: Response, @Body() body: FormBody): Promise<void> {
    const email = formField(body, 'email', 320);
    const password = formField(body, 'password', 1024);
    if (!email || !password) {
      return this.loginFailed(
        req,
        res,
        email,
        HttpStatus.BAD_REQUEST,
        'Enter your email and password.',
      );
    }
    try {
      const result = await this.auth.login(req, email, password);
      if ('mfaRequired' in result) return redirectTo(res, '/login/mfa');
      this.pages.redirectWithFlash(
        req,
        res,
        '/account',
        'success',
        `Signed in as ${result.user.email}.`,
      );
    } catch (error) {
      const [status, message] = this.refusal(error, res);
      return this.loginFailed(req, res, email, status, message);
    }
  }

  @Get('login/mfa')
  async mfaForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!req.session?.mfaPending) return redirectTo(res, '/login');
    this.pages.send(
      req,
      res,
      'Two-step verification',
      mfaView({ csrfToken: await this.pages.csrfToken(req) }),
    );
  }

  @Post('login/mfa')
  async verifyMfa(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: FormBody,
  ): Promise<void> {
    try {
      const result = await this.auth.verifyMfa(req, formField(body, 'code', 16));
      if ('user' in result) {
        return this.pages.redirectWithFlash(
          req,
          res,
          '/account',
          'success',
          `Signed in as ${result.user.email}.`,
        );
      }
      redirectTo(res, '/login/mfa');
    } catch (error) {
      if (errorCodeOf(error) === 'MFA_NOT_PENDING') {
        return this.loginFailed(
          req,
          res,
          '',
          HttpStatus.BAD_REQUEST,
          'Your sign-in expired. Start again.',
        );
      }
      const [status, message] = this.refusal(error, res);
      const csrfToken = await this.pages.csrfToken(req);
      this.pages.send(
        req,
        res,
        'Two-step verification',
        mfaView({ csrfToken, error: message }),
        status,
      );
    }
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.session?.user) await this.sessions.logout(req, res);
    redirectTo(res, '/login');
  }

  /** The status and message for a refused login; rethrows what is not a refusal. */
  private refusal(error: unknown, res: Response): [HttpStatus, string] {
    const code = errorCodeOf(error);
    if (code === 'TOO_MANY_ATTEMPTS') {
      const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retryAfter === 'number') setReplyHeader(res, 'Retry-After', String(retryAfter));
      return [HttpStatus.TOO_MANY_REQUESTS, `${errorMessageOf(error)}. Try again later.`];
    }
    if (code && LOGIN_ERRORS[code]) return LOGIN_ERRORS[code];
    throw error;
  }

  private async loginFailed(
    req: Request,
    res: Response,
    email: string,
    status: HttpStatus,
    error: string,
  ): Promise<void> {
    const csrfToken = await this.pages.csrfToken(req);
    this.pages.send(req, res, 'Sign in', loginView({ csrfToken, email, error }), status);
  }
}
