import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthGuard, Roles, RolesGuard } from 'nest-session-kit';
import { PostsRepository } from '../posts/posts.repository';
import { ModerationQueueDto, toModerationItem } from './moderation-queue.dto';

/** How many recent posts the queue shows. */
export const QUEUE_SIZE = 50;

/** Moderation, for moderators and every role above them. */
@ApiTags('moderation')
@Controller('moderation')
@UseGuards(AuthGuard, RolesGuard)
@Roles('moderator')
@ApiResponse({ status: 401, description: 'AUTH_REQUIRED: not signed in' })
@ApiResponse({
  status: 403,
  description: 'INSUFFICIENT_PERMISSIONS, with `requiredRoles` and `userRoles`',
})
export class ModerationController {
  constructor(private readonly posts: PostsRepository) {}

  @Get('queue')
  @ApiOkResponse({ type: ModerationQueueDto })
  queue(): ModerationQueueDto {
    return { items: this.posts.recent(QUEUE_SIZE).map(toModerationItem) };
  }
}
