import { Body, Controller, Get, HttpStatus, Post, Redirect, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AuthGuard,
  Flash,
  SessionErrors,
  SessionFlash,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';
import { ApiError, ApiErrorDto } from '../common/api-error.docs';
import { UsersRepository } from '../users/users.repository';
import { ProfilePageDto, UpdateProfileDto } from './profile.dto';

@ApiTags('profile')
@Controller('profile')
@UseGuards(AuthGuard)
@ApiError(401, ['AUTH_REQUIRED', 'SESSION_TIMEOUT', 'SESSION_EXPIRED'], 'not signed in')
export class ProfileController {
  constructor(private readonly users: UsersRepository) {}

  @Get()
  @ApiOperation({ summary: 'The profile, and the flash messages (shown once)' })
  @ApiOkResponse({ type: ProfilePageDto })
  show(@SessionUser() principal: SessionPrincipal, @Flash() flash: SessionFlash): ProfilePageDto {
    const user = this.users.findById(principal.id);
    if (!user) throw SessionErrors.authRequired();
    const { id, email, roles, displayName } = user;
    return { profile: { id, email, roles, displayName }, flash: flash.consumeAll() };
  }

  @Post()
  @Redirect('/profile', HttpStatus.SEE_OTHER)
  @ApiOperation({ summary: 'Changes the display name, then redirects to the profile' })
  @ApiResponse({ status: HttpStatus.SEE_OTHER, description: 'To /profile, with a flash message' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED' })
  @ApiError(403, ['CSRF_INVALID'], 'missing or wrong x-csrf-token')
  update(
    @SessionUser() principal: SessionPrincipal,
    @Flash() flash: SessionFlash,
    @Body() body: UpdateProfileDto,
  ): void {
    this.users.setDisplayName(principal.id, body.displayName);
    flash.add('success', 'Your display name was updated');
  }
}
