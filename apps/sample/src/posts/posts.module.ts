import { Module } from '@nestjs/common';
import { PostOwnershipResolver } from './post-ownership.resolver';
import { PostsController } from './posts.controller';
import { PostsRepository } from './posts.repository';

@Module({
  controllers: [PostsController],
  providers: [PostsRepository, PostOwnershipResolver],
  exports: [PostsRepository, PostOwnershipResolver],
})
export class PostsModule {}
