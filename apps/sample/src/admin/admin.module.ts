import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AdminUsersController } from './admin-users.controller';
import { AdminUserSessionsController } from './admin-user-sessions.controller';
import { RoleAssignmentPolicy } from './role-assignment.policy';

@Module({
  imports: [UsersModule],
  controllers: [AdminUsersController, AdminUserSessionsController],
  providers: [RoleAssignmentPolicy],
})
export class AdminModule {}
