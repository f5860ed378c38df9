import type { INestApplication } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { SESSION_OPTIONS } from '../session.constants';
import type { ResolvedSessionOptions } from '../session.options';
import { AllowedOrigins } from './allowed-origins';

/** What a CORS answer says besides the origin, which always comes from `csrf.allowedOrigins`. */
export interface SessionCorsOptions {
  /** How long a browser may reuse a preflight answer, in seconds. @default 600 */
  maxAge?: number;
  /** @default ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] */
  methods?: string[];
  /**
   * Request headers allowed besides `content-type`, the CSRF header (`csrf.headerName`) and,
   * with `headerSessions` on, the header-session header, which are always allowed. @default []
   */
  allowedHeaders?: string[];
  /** Response headers scripts may read besides the CORS-safelisted ones. @default ['retry-after'] */
  exposedHeaders?: string[];
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const DEFAULT_MAX_AGE_SECONDS = 600;

/**
 * Options for Nest's `app.enableCors()` from the resolved session options: a request whose
 * `Origin` is in `csrf.allowedOrigins` gets CORS with credentials (that exact origin, never a
 * wildcard, and `Vary: Origin`); any other origin gets no `Access-Control-*` header at all.
 */
export function sessionCorsOptions(
  options: Pick<ResolvedSessionOptions, 'csrf'> &
    Partial<Pick<ResolvedSessionOptions, 'headerSessions'>>,
  cors: SessionCorsOptions = {},
): CorsOptions {
  const allowed = AllowedOrigins.of(options);
  const allowedHeaders = new Set([
    'content-type',
    options.csrf.headerName,
    ...(options.headerSessions?.enabled ? [options.headerSessions.headerName] : []),
    ...(cors.allowedHeaders ?? []).map((name) => name.toLowerCase()),
  ]);
  return {
    origin: (origin, callback) => callback(null, allowed.includes(origin) ? origin : false),
    credentials: true,
    methods: cors.methods ?? DEFAULT_METHODS,
    allowedHeaders: [...allowedHeaders],
    exposedHeaders: cors.exposedHeaders ?? ['retry-after'],
    maxAge: cors.maxAge ?? DEFAULT_MAX_AGE_SECONDS,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  };
}

/**
 * `app.enableCors()` for the origins the session module allows (its `csrf.allowedOrigins`), so
 * the CSRF check and CORS read one list. Call it before `app.listen()` / `app.init()`.
 */
export function enableSessionCors(app: INestApplication, cors?: SessionCorsOptions): void {
  app.enableCors(sessionCorsOptions(app.get<ResolvedSessionOptions>(SESSION_OPTIONS), cors));
}
