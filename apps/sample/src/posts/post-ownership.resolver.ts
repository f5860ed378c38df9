import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { OwnershipResolver } from 'nest-session-kit';
import { PostsRepository } from './posts.repository';

/** The owner of the post named by the `:id` route parameter; null when there is no such post. */
@Injectable()
export class PostOwnershipResolver implements OwnershipResolver {
  constructor(private readonly posts: PostsRepository) {}

  ownerOf(request: Request): string | null {
    const id: unknown = request.params?.id;
    if (typeof id !== 'string') return null;
    return this.posts.findById(id)?.ownerId ?? null;
  }
}
