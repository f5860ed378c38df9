import { nodeRequestOf, type SessionRequest } from '../http/node-request';
import { fastifyTrustsPeer } from '../http/fastify-platform';

type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Whether the request reached the app through a proxy that Express' `trust proxy` (the
 * `trustProxy` option) believes, so that headers only a proxy should set can be read.
 */
export function isFromTrustedProxy(sessionRequest: SessionRequest): boolean {
  const request = nodeRequestOf(sessionRequest);
  const app = request.app as { get?: (setting: string) => unknown } | undefined;
  if (!app) return fastifyTrustsPeer(request) === true;
  const trust = app.get?.('trust proxy fn');
  const peer = request.socket?.remoteAddress;
  return typeof trust === 'function' && peer !== undefined && (trust as TrustFunction)(peer, 0);
}
