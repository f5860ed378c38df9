import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';

@Module({
  providers: [PasswordHasher, UsersRepository],
  exports: [UsersRepository],
})
export class UsersModule {}
