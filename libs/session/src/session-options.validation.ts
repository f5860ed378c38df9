import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Min,
  MinLength,
  ValidateIf,
  ValidationError,
  validateSync,
} from 'class-validator';
import { isExpressStore } from './backends/is-express-store';
import { SessionConfigurationError } from './errors';
import type { ResolvedSessionOptions } from './session.options';
import { SessionContextResolver } from './context/session-context.resolver';

const MIN_PRODUCTION_SECRET_LENGTH = 32;

class CookieShape {
  @IsOptional() @IsInt() @Min(1) maxAge?: number;
  @IsOptional() @IsBoolean() httpOnly?: boolean;
  @IsOptional() @ValidateIf((_, v) => v !== 'auto') @IsBoolean() secure?: boolean | 'auto';
  @IsOptional() @IsIn([true, false, 'lax', 'strict', 'none']) sameSite?: unknown;
  @IsOptional() @IsString() domain?: string;
  @IsOptional() @IsString() path?: string;
  @IsOptional() @IsBoolean() partitioned?: boolean;
  @IsOptional() @IsIn(['low', 'medium', 'high']) priority?: string;
}

class OptionsShape {
  @IsArray() @IsString({ each: true }) @MinLength(1, { each: true }) secret!: string[];
  @IsString() @MinLength(1) name!: string;
  @IsBoolean() resave!: boolean;
  @IsBoolean() saveUninitialized!: boolean;
  @IsBoolean() rolling!: boolean;
  @IsIn(['destroy', 'keep']) unset!: string;
  @IsArray() @IsString({ each: true }) roleHierarchy!: string[];
  @IsInt() @Min(1) freshLoginMaxAge!: number;
  @ValidateIf((_, v) => v !== false) @IsInt() @Min(1) idleTimeout!: number | false;
  @ValidateIf((_, v) => v !== false) @IsInt() @Min(1) absoluteTimeout!: number | false;
  @ValidateIf((_, v) => v !== false) @IsInt() @Min(1) rotateEvery!: number | false;
  @ValidateIf((_, v) => v !== false) @IsInt() @Min(1) maxSessionsPerUser!: number | false;
  @IsInt() @Min(1) activityResolution!: number;
  @IsInt() @Min(1) storeTtlSeconds!: number;
  @IsBoolean() bindIp!: boolean;
  @IsBoolean() bindUserAgent!: boolean;
}

/** Throws a SessionConfigurationError naming the first invalid option. */
export function validateSessionOptions(options: ResolvedSessionOptions): ResolvedSessionOptions {
  if (options.secret.length === 0) {
    throw new SessionConfigurationError('secret', 'a signing secret is required');
  }
  validateStore(options);
  throwFirst(validateSync(Object.assign(new OptionsShape(), options)));
  throwFirst(validateSync(Object.assign(new CookieShape(), options.cookie)), 'cookie.');
  validateAllowedOrigins(options.csrf.allowedOrigins);
  validatePageHistory(options.pageHistory);
  validateContextResolver(options.contextResolver);
  validateHeaderSessions(options);
  validateCombinations(options);
  return options;
}

function validateStore(options: ResolvedSessionOptions): void {
  const store = options.store as unknown;
  if (isExpressStore(store)) return;
  const type = (store as { type?: unknown })?.type;
  const ttl = (store as { ttl?: unknown }).ttl;
  if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) > 0)) {
    throw new SessionConfigurationError('store.ttl', 'must be a positive whole number of seconds');
  }
  if (type === 'memory') {
    const max = (store as { maxSessions?: unknown }).maxSessions;
    if (max !== undefined && !(Number.isInteger(max) && (max as number) > 0)) {
      throw new SessionConfigurationError('store.maxSessions', 'must be a positive integer');
    }
    if (options.production && !options.allowMemoryStore) {
      throw new SessionConfigurationError(
        'store',
        'the memory store is not for production (sessions vanish on restart and are not shared): ' +
          'use { type: "redis" } or set allowMemoryStore: true',
      );
    }
    return;
  }
  if (type === 'redis') {
    const { url, client } = store as { url?: unknown; client?: unknown };
    if (!url && !client) {
      throw new SessionConfigurationError('store', 'a Redis store needs a url or a client');
    }
    if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
      throw new SessionConfigurationError('store.url', 'must be a redis:// or rediss:// URL');
    }
    return;
  }
  throw new SessionConfigurationError(
    'store',
    'must be { type: "memory" }, { type: "redis", url | client } or an express-session Store',
  );
}

function validateAllowedOrigins(origins: string[]): void {
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      !/^https?:$/.test(parsed.protocol) ||
      parsed.origin !== origin.replace(/\/$/, '')
    ) {
      throw new SessionConfigurationError(
        'csrf.allowedOrigins',
        `"${origin}" is not an origin such as https://app.example.com`,
      );
    }
  }
}

function validatePageHistory(pageHistory: ResolvedSessionOptions['pageHistory']): void {
  if (pageHistory === false) return;
  if (typeof pageHistory !== 'object' || pageHistory === null) {
    throw new SessionConfigurationError('pageHistory', 'must be false or an options object');
  }
  for (const key of ['maxPages', 'maxPathLength'] as const) {
    const value = pageHistory[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new SessionConfigurationError(`pageHistory.${key}`, 'must be a positive integer');
    }
  }
  if (pageHistory.isPage !== undefined && typeof pageHistory.isPage !== 'function') {
    throw new SessionConfigurationError('pageHistory.isPage', 'must be a function');
  }
}

function validateContextResolver(resolver: unknown): void {
  const isResolverClass =
    resolver === SessionContextResolver ||
    (typeof resolver === 'function' && resolver.prototype instanceof SessionContextResolver);
  if (!isResolverClass) {
    throw new SessionConfigurationError('contextResolver', 'must extend SessionContextResolver');
  }
}

function validateHeaderSessions({ headerSessions, csrf }: ResolvedSessionOptions): void {
  const { enabled, headerName, scheme } = headerSessions;
  if (typeof enabled !== 'boolean') {
    throw new SessionConfigurationError('headerSessions.enabled', 'must be a boolean');
  }
  if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(headerName) || headerName === 'cookie') {
    throw new SessionConfigurationError('headerSessions.headerName', 'must be a header name');
  }
  if (headerName === csrf.headerName) {
    throw new SessionConfigurationError('headerSessions.headerName', 'is the CSRF header');
  }
  if (typeof scheme !== 'string' || /\s/.test(scheme)) {
    throw new SessionConfigurationError('headerSessions.scheme', 'must be a word such as Bearer');
  }
}

function validateCombinations(options: ResolvedSessionOptions): void {
  const { cookie, production } = options;
  if (cookie.sameSite === 'none' && cookie.secure !== true) {
    throw new SessionConfigurationError('cookie.sameSite', 'SameSite=None requires secure: true');
  }
  if (options.name.startsWith('__Host-') && (cookie.secure !== true || cookie.domain)) {
    throw new SessionConfigurationError(
      'name',
      'a __Host- cookie must be Secure and have no Domain',
    );
  }
  if (!production) return;
  const short = options.secret.find((s) => s.length < MIN_PRODUCTION_SECRET_LENGTH);
  if (short !== undefined) {
    throw new SessionConfigurationError(
      'secret',
      `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
    );
  }
  if (cookie.secure !== true && !options.allowInsecureCookie) {
    throw new SessionConfigurationError(
      'cookie.secure',
      'cookies must be Secure in production (set allowInsecureCookie: true to override)',
    );
  }
}

function throwFirst(errors: ValidationError[], prefix = ''): void {
  const first = errors[0];
  if (!first) return;
  const problems = Object.values(first.constraints ?? {}).join('; ');
  throw new SessionConfigurationError(prefix + first.property, problems || 'invalid value');
}
