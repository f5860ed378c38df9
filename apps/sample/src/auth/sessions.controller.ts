import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  AuthGuard,
  FreshLoginGuard,
  RequireFreshLogin,
  SessionErrors,
  SessionRegistry,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';

/** The signed-in user's own sessions. */
@ApiTags('sessions')
@Controller('auth/sessions')
@UseGuards(AuthGuard)
export class SessionsController {
  constructor(private readonly registry: SessionRegistry) {}

  @Get()
  async list(@Req() req: Request, @SessionUser() user: SessionPrincipal) {
    return { sessions: await this.registry.listSessions(user.id, req.session.auth?.handle) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiResponse({ status: 404, description: 'SESSION_NOT_FOUND' })
  async revoke(@SessionUser() user: SessionPrincipal, @Param('id') handle: string): Promise<void> {
    if (!(await this.registry.revokeSession(user.id, handle)))
      throw SessionErrors.sessionNotFound();
  }

  @Delete()
  @UseGuards(FreshLoginGuard)
  @RequireFreshLogin()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiResponse({ status: 401, description: 'REAUTH_REQUIRED' })
  async revokeOthers(@Req() req: Request, @SessionUser() user: SessionPrincipal): Promise<void> {
    await this.registry.revokeOtherSessions(user.id, req.session.auth?.handle);
  }
}
