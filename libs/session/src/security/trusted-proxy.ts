import type { Request } from 'express';
import { nodeRequestOf, type SessionRequest } from '../http/node-request';

type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Whether the request reached the app through a proxy that Express' `trust proxy` (the
 * `trustProxy` option) believes, so that headers only a proxy should set can be read.
 */
export function isFromTrustedProxy(sessionRequest: SessionRequest): boolean {
  const request = nodeRequestOf(sessionRequest);
  const app = request.app as { get?: (setting: string) => unknown } | undefined;
  if (!app) return fastifyTrustsPeer(request);
  const trust = app.get?.('trust proxy fn');
  const peer = request.socket?.remoteAddress;
  return typeof trust === 'function' && peer !== undefined && (trust as TrustFunction)(peer, 0);
}

/**
 * On Fastify (no Express app), its `trustProxy` decides: Fastify lists the forwarded addresses
 * in `ips` only past a peer it trusts (@fastify/middie copies them to the Node.js request).
 */
function fastifyTrustsPeer(request: Request): boolean {
  const { ips } = request as { ips?: unknown };
  return Array.isArray(ips) && ips.length > 1;
}
