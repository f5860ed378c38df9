import type { AbstractHttpAdapter } from '@nestjs/core';
import { answerFrameworkError } from './http-platform';

/**
 * The Fastify platform for HTTP_ADAPTER=fastify, set up to route as Express does (trailing
 * slash and case ignored) and to send Express' weak ETags, and trusting proxies as TRUST_PROXY says: on Fastify that is the
 * adapter's `trustProxy` (a hop count, addresses or subnets), not Express' `trust proxy`.
 * Loaded only when asked for, so an Express install needs no @nestjs/platform-fastify.
 */
export async function fastifyAdapterFor(env: Record<string, string | undefined>) {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const adapter: InstanceType<typeof FastifyAdapter> = new FastifyAdapter({
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    frameworkErrors: (error: Error & { code?: string }, request: unknown, reply: unknown) =>
      answerFrameworkError(
        adapter.getInstance(),
        error,
        request as unknown as Parameters<typeof answerFrameworkError>[2],
        reply as unknown as Parameters<typeof answerFrameworkError>[3],
      ),
  });
  // Express sends a weak ETag with every body and answers If-None-Match with 304: so does this.
  const { default: etag } = await import('@fastify/etag');
  await adapter.getInstance().register(etag, { weak: true });
  return adapter as unknown as AbstractHttpAdapter;
}

/**
 * TRUST_PROXY as Express reads it. A hop count becomes Express' own rule (trust the first `n`
 * hops from the socket): Fastify itself treats a number as trusting nothing for the protocol
 * and host of a request (fastify 5.12), which would make every proxied request plain HTTP.
 */
function trustProxyOf(
  value: string | undefined,
): boolean | string | ((address: string, hop: number) => boolean) {
  const text = value?.trim();
  if (!text || text.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address: string, hop: number) => hop < hops;
  }
  if (text.toLowerCase() === 'true') return true;
  return text;
}
