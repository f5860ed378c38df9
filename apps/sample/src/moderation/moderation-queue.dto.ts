import { ApiProperty } from '@nestjs/swagger';
import { PostViewDto, toPostView } from '../posts/posts.dto';
import type { PostRecord } from '../posts/posts.repository';

/** A post waiting for review. */
export class ModerationItemDto extends PostViewDto {
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class ModerationQueueDto {
  @ApiProperty({ type: [ModerationItemDto], description: 'The most recent posts, newest first' })
  items!: ModerationItemDto[];
}

export function toModerationItem(post: PostRecord): ModerationItemDto {
  return { ...toPostView(post), createdAt: new Date(post.createdAt).toISOString() };
}
