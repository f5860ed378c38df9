import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AuthGuard,
  isHeaderSession,
  SessionErrors,
  SessionRegistry,
  SessionService,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';
import { UsersRepository } from '../users/users.repository';
import { ChangePasswordDto, LoginDto, MfaVerifyDto, ReauthDto, TokenLoginDto } from './auth.dto';
import { AuthErrors } from './auth.errors';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly registry: SessionRegistry,
    private readonly users: UsersRepository,
  ) {}

  @Get('csrf')
  @ApiOperation({ summary: "The session's CSRF token (creates the session if there is none)" })
  async csrf(@Req() req: Request): Promise<{ csrfToken: string }> {
    return { csrfToken: await this.sessions.csrfToken(req) };
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiResponse({ status: 200, description: '{user, csrfToken}, or {mfaRequired, csrfToken}' })
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS' })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS, with Retry-After' })
  login(@Req() req: Request, @Body() body: LoginDto) {
    return this.auth.login(req, body.email, body.password, { rememberMe: body.rememberMe });
  }

  @Post('token')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Signs in for a header session: `Authorization: Bearer <token>`' })
  @ApiResponse({ status: 200, description: '{token, user}, or {mfaRequired, token}; no cookie' })
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS' })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS, with Retry-After' })
  token(@Req() req: Request, @Body() body: TokenLoginDto) {
    return this.auth.login(req, body.email, body.password, { transport: 'header' });
  }

  @Delete('token')
  @UseGuards(AuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Ends the header session of the request: the token is dead at once' })
  @ApiResponse({ status: 401, description: 'AUTH_REQUIRED: no header session' })
  async deleteToken(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (!isHeaderSession(req)) throw SessionErrors.authRequired();
    await this.sessions.logout(req, res);
  }

  @Post('mfa/verify')
  @HttpCode(HttpStatus.OK)
  @ApiResponse({ status: 401, description: 'INVALID_MFA_CODE' })
  @ApiResponse({ status: 400, description: 'MFA_NOT_PENDING' })
  verifyMfa(@Req() req: Request, @Body() body: MfaVerifyDto) {
    return this.auth.verifyMfa(req, body.code);
  }

  @Post('logout')
  @UseGuards(AuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.logout(req, res);
  }

  @Get('me')
  @UseGuards(AuthGuard)
  @ApiResponse({ status: 401, description: 'AUTH_REQUIRED, SESSION_TIMEOUT, SESSION_EXPIRED, ...' })
  me(@SessionUser() user: SessionPrincipal) {
    return { user: { id: user.id, email: user.email, roles: user.roles } };
  }

  @Post('reauth')
  @UseGuards(AuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS' })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS: the account is locked' })
  async reauth(
    @Req() req: Request,
    @SessionUser() user: SessionPrincipal,
    @Body() body: ReauthDto,
  ): Promise<void> {
    await this.auth.verifyCurrentPassword(req, user.id, body.password);
    await this.sessions.reauthenticate(req);
  }

  @Post('password')
  @UseGuards(AuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Changes the password; every other session is revoked, this one gets a new id',
  })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS: the account is locked' })
  async changePassword(
    @Req() req: Request,
    @SessionUser() user: SessionPrincipal,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    await this.auth.verifyCurrentPassword(req, user.id, body.currentPassword);
    if (body.newPassword === body.currentPassword) {
      throw AuthErrors.weakPassword('newPassword must differ from the current password');
    }
    await this.users.changePassword(user.id, body.newPassword);
    await this.registry.revokeOtherSessions(user.id, req.session.auth?.handle);
    await this.sessions.rotate(req);
    await this.sessions.reauthenticate(req);
  }
}
