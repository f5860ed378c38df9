import type { ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';

/** The HTTP-like request (and response, when there is one) behind a handler's invocation. */
export interface RequestResponse {
  req: Request | undefined;
  res: Response | undefined;
}

interface GraphQLContextShape {
  req?: Request;
  request?: Request;
  res?: Response;
  reply?: Response;
}

interface SocketShape {
  request?: Request;
  upgradeReq?: Request;
}

/**
 * @internal The request of an http handler, of a GraphQL resolver (the context's `req`, as the
 * Apollo and Mercurius drivers set it) or of a WebSocket message (the socket's handshake request,
 * where SessionSockets keeps the session). Reads the arguments only: no GraphQL or WebSocket
 * package is loaded.
 */
export function requestResponseOf(context: ExecutionContext): RequestResponse {
  const type = context.getType<'http' | 'graphql' | 'ws' | 'rpc'>();
  if (type === 'http') {
    const http = context.switchToHttp();
    return { req: http.getRequest<Request>(), res: http.getResponse<Response>() };
  }
  if (type === 'graphql') {
    const gql = (context.getArgByIndex(2) ?? {}) as GraphQLContextShape;
    const req = gql.req ?? gql.request;
    return { req, res: gql.res ?? gql.reply ?? req?.res };
  }
  if (type === 'ws') {
    const client = (context.switchToWs().getClient() ?? {}) as SocketShape;
    return { req: client.request ?? client.upgradeReq, res: undefined };
  }
  return { req: undefined, res: undefined };
}
