import type { ResolvedSessionOptions } from '../session.options';
import { headerOf, nodeRequestOf, type SessionRequest } from '../http/node-request';

/**
 * The origins a browser may call the app from besides its own: `csrf.allowedOrigins`. The one
 * list behind both the CSRF guard's Origin check and the CORS answers, so the two cannot drift.
 */
export class AllowedOrigins {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map(normalizeOrigin));
  }

  static of(options: Pick<ResolvedSessionOptions, 'csrf'>): AllowedOrigins {
    return new AllowedOrigins(options.csrf.allowedOrigins);
  }

  /** Whether `origin` (an `Origin` header) is one of the listed origins. */
  includes(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(normalizeOrigin(origin));
  }

  /** Whether `origin` is listed or is the request's own origin (its protocol and Host). */
  allowsOn(request: SessionRequest, origin: string): boolean {
    if (this.includes(origin)) return true;
    const host = headerOf(request, 'host');
    return (
      host !== undefined &&
      normalizeOrigin(origin) === normalizeOrigin(`${protocolOf(request)}://${host}`)
    );
  }

  get size(): number {
    return this.origins.size;
  }
}

/**
 * The request's protocol: Express' and Fastify's requests know it (through their proxy trust);
 * a bare Node.js request (a socket's handshake) knows only whether its own socket is TLS.
 */
function protocolOf(request: SessionRequest): string {
  const { protocol } = request as { protocol?: string };
  if (protocol) return protocol;
  const socket = nodeRequestOf(request).socket as { encrypted?: boolean } | undefined;
  return socket?.encrypted ? 'https' : 'http';
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.trim().toLowerCase();
  }
}
