import type { Request } from 'express';

type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Whether the request reached the app through a proxy that Express' `trust proxy` (the
 * `trustProxy` option) believes, so that headers only a proxy should set can be read.
 */
export function isFromTrustedProxy(request: Request): boolean {
  const app = request.app as { get?: (setting: string) => unknown } | undefined;
  const trust = app?.get?.('trust proxy fn');
  const peer = request.socket?.remoteAddress;
  return typeof trust === 'function' && peer !== undefined && (trust as TrustFunction)(peer, 0);
}
