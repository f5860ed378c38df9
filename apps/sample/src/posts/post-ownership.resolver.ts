import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { OwnershipResolver } from 'nest-session-kit';
import { PostsRepository } from './posts.repository';

/**
 * The owner of the post named by the `:id` route parameter, or by the `id` argument of a GraphQL
 * resolver; null when there is no such post.
 */
@Injectable()
export class PostOwnershipResolver implements OwnershipResolver {
  constructor(private readonly posts: PostsRepository) {}

  ownerOf(request: Request, context: ExecutionContext): string | null {
    const id: unknown =
      context.getType<string>() === 'graphql'
        ? (context.getArgByIndex(1) as { id?: unknown } | undefined)?.id
        : request.params?.id;
    if (typeof id !== 'string') return null;
    return this.posts.findById(id)?.ownerId ?? null;
  }
}
