import type { ServerResponse } from 'node:http';
import type { Response } from 'express';

/** Fastify's reply, as far as the pages use it (HTTP_ADAPTER=fastify). */
interface FastifyReplyShape {
  raw: ServerResponse;
  code(status: number): FastifyReplyShape;
  header(name: string, value: string): FastifyReplyShape;
  type(contentType: string): FastifyReplyShape;
  send(payload: string): FastifyReplyShape;
  redirect(location: string, status: number): FastifyReplyShape;
}

/** The response of a page handler: Express' response or Fastify's reply. */
export type PageReply = Response | FastifyReplyShape;

function isFastifyReply(res: PageReply): res is FastifyReplyShape {
  return 'raw' in res && typeof (res as FastifyReplyShape).code === 'function';
}

/** A 303 (See Other) to `location`, after a form post or for a visitor who must sign in. */
export function redirectTo(res: PageReply, location: string): void {
  if (isFastifyReply(res)) res.redirect(location, 303);
  else res.redirect(303, location);
}

/** An HTML page with its headers. */
export function sendHtml(
  res: PageReply,
  status: number,
  headers: Record<string, string>,
  markup: string,
): void {
  if (isFastifyReply(res)) {
    let reply = res.code(status);
    for (const [name, value] of Object.entries(headers)) reply = reply.header(name, value);
    reply.type('text/html; charset=utf-8').send(markup);
    return;
  }
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.type('html').send(markup);
}

/** A header on the response to come. */
export function setReplyHeader(res: PageReply, name: string, value: string): void {
  if (isFastifyReply(res)) res.header(name, value);
  else res.setHeader(name, value);
}

/** Whether the response went out already; then only its end is left to write. */
export function endIfSent(res: PageReply): boolean {
  const node = isFastifyReply(res) ? res.raw : res;
  if (!node.headersSent) return false;
  node.end();
  return true;
}
