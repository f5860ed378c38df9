import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  UseGuards,
} from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AuthGuard,
  FreshLoginGuard,
  RequireFreshLogin,
  Roles,
  RolesGuard,
  SessionRegistry,
  SessionUser,
  type SessionPrincipal,
} from 'nest-session-kit';
import { UsersRepository, type PublicUser } from '../users/users.repository';
import { RoleAssignmentPolicy } from './role-assignment.policy';
import { UpdateRolesDto } from './update-roles.dto';
import { userNotFound } from './admin.errors';

/** An admin's view of one user: its roles and its live sessions. */
@ApiTags('admin')
@Controller('admin/users/:id')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
export class AdminUserSessionsController {
  constructor(
    private readonly users: UsersRepository,
    private readonly registry: SessionRegistry,
    private readonly policy: RoleAssignmentPolicy,
  ) {}

  @Patch()
  @UseGuards(FreshLoginGuard)
  @RequireFreshLogin()
  @ApiResponse({
    status: 200,
    description: 'The user; its live sessions get the roles on their next request',
  })
  @ApiResponse({ status: 401, description: 'AUTH_REQUIRED or REAUTH_REQUIRED' })
  @ApiResponse({ status: 403, description: 'INSUFFICIENT_PERMISSIONS' })
  @ApiResponse({ status: 404, description: 'USER_NOT_FOUND' })
  async updateRoles(
    @SessionUser() admin: SessionPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateRolesDto,
  ): Promise<{ user: PublicUser }> {
    const target = this.userOrThrow(id);
    this.policy.assertMayAssign(admin, target, body.roles);
    const user = this.users.setRoles(id, body.roles) as PublicUser;
    await this.registry.updateUser(id, (principal) => ({ ...principal, roles: [...body.roles] }));
    return { user };
  }

  @Get('sessions')
  @ApiResponse({ status: 403, description: 'INSUFFICIENT_PERMISSIONS: the user ranks above you' })
  @ApiResponse({ status: 404, description: 'USER_NOT_FOUND' })
  async list(@SessionUser() admin: SessionPrincipal, @Param('id') id: string) {
    this.policy.assertMayManage(admin, this.userOrThrow(id));
    return { sessions: await this.registry.listSessions(id) };
  }

  @Delete('sessions')
  @UseGuards(FreshLoginGuard)
  @RequireFreshLogin()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiResponse({ status: 401, description: 'AUTH_REQUIRED or REAUTH_REQUIRED' })
  @ApiResponse({ status: 403, description: 'INSUFFICIENT_PERMISSIONS: the user ranks above you' })
  @ApiResponse({ status: 404, description: 'USER_NOT_FOUND' })
  async revokeAll(@SessionUser() admin: SessionPrincipal, @Param('id') id: string): Promise<void> {
    this.policy.assertMayManage(admin, this.userOrThrow(id));
    await this.registry.revokeAllSessions(id);
  }

  private userOrThrow(id: string): PublicUser {
    const user = this.users.findById(id);
    if (!user) throw userNotFound();
    return user;
  }
}
