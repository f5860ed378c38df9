import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** A post as the repository keeps it. */
export interface PostRecord {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  createdAt: number;
  updatedAt: number;
}

export interface PostContent {
  title: string;
  body: string;
}

/** The most posts kept in memory; past it the oldest goes, so the sample cannot be filled up. */
export const MAX_POSTS = 10_000;

const POST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The in-memory posts store. Ids are UUIDs; anything else is simply not found. */
@Injectable()
export class PostsRepository {
  private readonly posts = new Map<string, PostRecord>();

  create(ownerId: string, content: PostContent): PostRecord {
    const now = Date.now();
    const post: PostRecord = {
      id: randomUUID(),
      ownerId,
      ...pick(content),
      createdAt: now,
      updatedAt: now,
    };
    this.posts.set(post.id, post);
    if (this.posts.size > MAX_POSTS) this.posts.delete(this.posts.keys().next().value as string);
    return { ...post };
  }

  findById(id: string): PostRecord | undefined {
    if (!POST_ID.test(id)) return undefined;
    const post = this.posts.get(id);
    return post && { ...post };
  }

  update(id: string, changes: Partial<PostContent>): PostRecord | undefined {
    const post = POST_ID.test(id) ? this.posts.get(id) : undefined;
    if (!post) return undefined;
    if (changes.title !== undefined) post.title = changes.title;
    if (changes.body !== undefined) post.body = changes.body;
    post.updatedAt = Date.now();
    return { ...post };
  }

  delete(id: string): boolean {
    return POST_ID.test(id) && this.posts.delete(id);
  }

  /** The newest posts first, at most `limit` of them. */
  recent(limit: number): PostRecord[] {
    return [...this.posts.values()]
      .reverse()
      .slice(0, limit)
      .map((post) => ({ ...post }));
  }
}

function pick({ title, body }: PostContent): PostContent {
  return { title, body };
}
