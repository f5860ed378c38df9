import { Module } from '@nestjs/common';
import { PostsModule } from '../posts/posts.module';
import { ModerationController } from './moderation.controller';

@Module({
  imports: [PostsModule],
  controllers: [ModerationController],
})
export class ModerationModule {}
