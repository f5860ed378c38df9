import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthGuard, OwnedBy, OwnershipGuard, SessionErrors } from 'nest-session-kit';
import { PostOwnershipResolver } from '../posts/post-ownership.resolver';
import { PostsRepository } from '../posts/posts.repository';
import { toPostView } from '../posts/posts.dto';
import { PostModel } from './graphql.models';
import { PostIdArgs, UpdatePostArgs } from './graphql.args';

/** Posts over GraphQL, with the same AuthGuard and OwnershipGuard as PostsController. */
@Resolver(() => PostModel)
@UseGuards(AuthGuard, OwnershipGuard)
export class PostsResolver {
  constructor(private readonly posts: PostsRepository) {}

  @Query(() => PostModel, { nullable: true })
  post(@Args() { id }: PostIdArgs): PostModel | null {
    const post = this.posts.findById(id);
    return post ? toPostView(post) : null;
  }

  @Mutation(() => PostModel)
  @OwnedBy(PostOwnershipResolver)
  updatePost(@Args() { id, title, body }: UpdatePostArgs): PostModel {
    const post = this.posts.update(id, { title, body });
    if (!post) throw SessionErrors.resourceNotFound();
    return toPostView(post);
  }
}
