import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { Request, Response } from 'express';
import { formatSessionGraphQLError } from 'nest-session-kit';
import { CartModule } from '../cart/cart.module';
import { PostsModule } from '../posts/posts.module';
import { UsersModule } from '../users/users.module';
import { AccountResolver } from './account.resolver';
import { CartResolver } from './cart.resolver';
import { PostsResolver } from './posts.resolver';

/**
 * `POST /graphql` (Apollo, code-first): the same sessions, guards and error codes as the REST
 * routes; a denial is a GraphQL error whose `extensions.code` is the REST code.
 */
@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      path: '/graphql',
      autoSchemaFile: true,
      sortSchema: true,
      graphiql: false,
      includeStacktraceInErrorResponses: false,
      autoTransformHttpErrors: false,
      formatError: formatSessionGraphQLError,
      // Apollo's Express integration passes `{ req, res }`; its Fastify one `(request, reply)`.
      context: (first: { req: Request; res: Response } | { raw: unknown }, reply?: unknown) =>
        'raw' in first ? { req: first, res: reply } : { req: first.req, res: first.res },
    }),
    CartModule,
    PostsModule,
    UsersModule,
  ],
  providers: [AccountResolver, PostsResolver, CartResolver],
})
export class GraphQLApiModule {}
