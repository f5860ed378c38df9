import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthGuard, Roles, RolesGuard } from 'nest-session-kit';
import { UsersRepository, type PublicUser } from '../users/users.repository';

export class AdminUserDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ type: [String] })
  roles!: string[];

  @ApiProperty()
  mfaEnabled!: boolean;

  @ApiPropertyOptional()
  displayName?: string;
}

export class AdminUsersDto {
  @ApiProperty({ type: [AdminUserDto] })
  users!: AdminUserDto[];
}

/** Only the public fields, named one by one: a hash or secret added later cannot leak here. */
function toAdminUser({ id, email, roles, mfaEnabled, displayName }: PublicUser): AdminUserDto {
  return { id, email, roles, mfaEnabled, ...(displayName === undefined ? {} : { displayName }) };
}

/** User administration, for admins and above. */
@ApiTags('admin')
@Controller('admin/users')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
@ApiResponse({ status: 401, description: 'AUTH_REQUIRED: not signed in' })
@ApiResponse({
  status: 403,
  description: 'INSUFFICIENT_PERMISSIONS, with `requiredRoles` and `userRoles`',
})
export class AdminUsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get()
  @ApiOkResponse({ type: AdminUsersDto, description: 'Every user, without password hashes' })
  list(): AdminUsersDto {
    return { users: this.users.list().map(toAdminUser) };
  }
}
