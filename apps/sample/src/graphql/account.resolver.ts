import { UseGuards } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { AuthGuard, Roles, RolesGuard, SessionUser, type SessionPrincipal } from 'nest-session-kit';
import { UsersRepository } from '../users/users.repository';
import { UserModel } from './graphql.models';

/** The signed-in user, and the admins' user list: the REST guards, on a resolver. */
@Resolver(() => UserModel)
export class AccountResolver {
  constructor(private readonly users: UsersRepository) {}

  @Query(() => UserModel)
  @UseGuards(AuthGuard)
  me(@SessionUser() user: SessionPrincipal): UserModel {
    return { id: user.id, email: user.email ?? '', roles: user.roles };
  }

  @Query(() => [UserModel])
  @UseGuards(AuthGuard, RolesGuard)
  @Roles('admin')
  adminUsers(): UserModel[] {
    return this.users.list().map(({ id, email, roles }) => ({ id, email, roles }));
  }
}
