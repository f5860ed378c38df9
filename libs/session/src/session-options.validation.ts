import { isIP } from 'node:net';
import { isExpressStore } from './backends/is-express-store';
import { SessionConfigurationError, type SessionOptionProblem } from './errors';
import { validateRedisStore } from './backends/redis/redis-store-options.validation';
import { validatePostgresStore } from './backends/postgres/postgres-store-options.validation';
import type { ResolvedSessionOptions } from './session.options';
import { OptionProblems } from './session-options.problems';
import { SessionContextResolver } from './context/session-context.resolver';

const MIN_PRODUCTION_SECRET_LENGTH = 32;
const SAME_SITE_VALUES: unknown[] = [true, false, 'lax', 'strict', 'none'];

/**
 * Checks options with their defaults applied and throws one SessionConfigurationError that
 * names every invalid option (`earlier` problems, such as unknown keys, come first).
 */
export function validateSessionOptions(
  options: ResolvedSessionOptions,
  earlier: SessionOptionProblem[] = [],
): ResolvedSessionOptions {
  const problems = new OptionProblems(earlier);
  validateSecret(problems, options);
  validateScalars(problems, options);
  validateCookie(problems, options.cookie as unknown as Record<string, unknown>);
  validateStore(problems, options);
  validateCsrf(problems, options.csrf);
  validatePageHistory(problems, options.pageHistory);
  validateContextResolver(problems, options.contextResolver);
  validateHeaderSessions(problems, options);
  validateIdsAtRest(problems, options.idsAtRest);
  if (problems.isEmpty()) validateCombinations(problems, options);
  if (!problems.isEmpty()) throw new SessionConfigurationError(problems.list);
  return options;
}

function validateSecret(problems: OptionProblems, options: ResolvedSessionOptions): void {
  const secret = options.secret as unknown;
  if (!Array.isArray(secret) || secret.length === 0) {
    problems.add(
      'secret',
      options.production
        ? 'a signing secret is required in production (32+ characters)'
        : 'a signing secret is required (a string, or an array to rotate)',
    );
  } else if (!secret.every((s) => typeof s === 'string' && s.length > 0)) {
    problems.add('secret', 'every secret must be a non-empty string');
  } else if (
    options.production &&
    secret.some((s: string) => s.length < MIN_PRODUCTION_SECRET_LENGTH)
  ) {
    problems.add(
      'secret',
      `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
    );
  }
}

function validateScalars(problems: OptionProblems, options: ResolvedSessionOptions): void {
  problems.nonEmptyString('name', options.name);
  for (const key of [
    'resave',
    'saveUninitialized',
    'rolling',
    'production',
    'allowInsecureCookie',
    'allowMemoryStore',
    'bindIp',
    'bindUserAgent',
    'noStore',
  ] as const) {
    problems.boolean(key, options[key]);
  }
  problems.oneOf('bindingMismatch', options.bindingMismatch, ['refuse', 'end']);
  problems.oneOf('unset', options.unset, ['destroy', 'keep']);
  if (!Array.isArray(options.roleHierarchy) || !options.roleHierarchy.every(isString)) {
    problems.add('roleHierarchy', 'must be an array of role names');
  }
  problems.positiveInteger('freshLoginMaxAge', options.freshLoginMaxAge);
  problems.positiveInteger('activityResolution', options.activityResolution);
  for (const key of [
    'idleTimeout',
    'absoluteTimeout',
    'rotateEvery',
    'maxSessionsPerUser',
  ] as const) {
    if (options[key] !== false) problems.positiveInteger(key, options[key], 'or false');
  }
  validateTrustProxy(problems, options);
  if (options.proxy !== undefined) problems.boolean('proxy', options.proxy);
  if (options.genid !== undefined && typeof options.genid !== 'function') {
    problems.add('genid', 'must be a function');
  }
  problems.nonEmptyString('countryHeader', options.countryHeader);
  if (!Array.isArray(options.forRoutes)) problems.add('forRoutes', 'must be an array of routes');
  if (!Array.isArray(options.exclude)) problems.add('exclude', 'must be an array of routes');
}

function validateCookie(problems: OptionProblems, cookie: Record<string, unknown>): void {
  if (cookie.maxAge !== undefined) problems.positiveInteger('cookie.maxAge', cookie.maxAge);
  if (cookie.expires !== undefined && !(cookie.expires instanceof Date)) {
    problems.add('cookie.expires', 'must be a Date');
  }
  problems.boolean('cookie.httpOnly', cookie.httpOnly);
  if (cookie.secure !== 'auto') problems.boolean('cookie.secure', cookie.secure, "or 'auto'");
  problems.oneOf('cookie.sameSite', cookie.sameSite, SAME_SITE_VALUES);
  if (cookie.domain !== undefined) problems.nonEmptyString('cookie.domain', cookie.domain);
  problems.nonEmptyString('cookie.path', cookie.path);
  if (cookie.partitioned !== undefined) problems.boolean('cookie.partitioned', cookie.partitioned);
  if (cookie.priority !== undefined) {
    problems.oneOf('cookie.priority', cookie.priority, ['low', 'medium', 'high']);
  }
}

function validateStore(problems: OptionProblems, options: ResolvedSessionOptions): void {
  const store = options.store as unknown;
  if (isExpressStore(store)) return;
  const { type, ttl } = (store ?? {}) as { type?: unknown; ttl?: unknown };
  if (ttl !== undefined && !isPositiveInteger(ttl)) {
    problems.add('store.ttl', 'must be a positive whole number of seconds');
  }
  if (type === 'memory') {
    const max = (store as { maxSessions?: unknown }).maxSessions;
    if (max !== undefined && !isPositiveInteger(max)) {
      problems.add('store.maxSessions', 'must be a positive integer');
    }
    if (options.production && !options.allowMemoryStore) {
      problems.add(
        'store',
        'the memory store is not for production (sessions vanish on restart and are not shared): ' +
          'use { type: "redis" } or { type: "postgres" }, or set allowMemoryStore: true',
      );
    }
    return;
  }
  if (type === 'redis') {
    validateRedisStore(problems, store as Record<string, unknown>);
    return;
  }
  if (type === 'postgres') {
    validatePostgresStore(problems, store as Record<string, unknown>);
    return;
  }
  problems.add(
    'store',
    'must be { type: "memory" }, { type: "redis", url | cluster | sentinel | client }, ' +
      '{ type: "postgres", connectionString | pool } or an express-session Store',
  );
}

function validateCsrf(problems: OptionProblems, csrf: ResolvedSessionOptions['csrf']): void {
  problems.boolean('csrf.enabled', csrf.enabled);
  problems.nonEmptyString('csrf.headerName', csrf.headerName);
  problems.nonEmptyString('csrf.fieldName', csrf.fieldName);
  if (!Array.isArray(csrf.allowedOrigins)) {
    problems.add('csrf.allowedOrigins', 'must be an array of origins');
    return;
  }
  for (const origin of csrf.allowedOrigins as unknown[]) {
    if (!isOrigin(origin)) {
      problems.add(
        'csrf.allowedOrigins',
        `"${String(origin)}" is not an origin such as https://app.example.com`,
      );
    }
  }
}

function isOrigin(origin: unknown): boolean {
  if (typeof origin !== 'string') return false;
  try {
    const parsed = new URL(origin);
    return /^https?:$/.test(parsed.protocol) && parsed.origin === origin.replace(/\/$/, '');
  } catch {
    return false;
  }
}

function validatePageHistory(
  problems: OptionProblems,
  pageHistory: ResolvedSessionOptions['pageHistory'],
): void {
  if (pageHistory === false) return;
  if (typeof pageHistory !== 'object' || pageHistory === null) {
    problems.add('pageHistory', 'must be false or an options object');
    return;
  }
  for (const key of ['maxPages', 'maxPathLength'] as const) {
    const value = pageHistory[key];
    if (value !== undefined) problems.positiveInteger(`pageHistory.${key}`, value);
  }
  if (pageHistory.isPage !== undefined && typeof pageHistory.isPage !== 'function') {
    problems.add('pageHistory.isPage', 'must be a function');
  }
}

function validateContextResolver(problems: OptionProblems, resolver: unknown): void {
  const isResolverClass =
    resolver === SessionContextResolver ||
    (typeof resolver === 'function' && resolver.prototype instanceof SessionContextResolver);
  if (!isResolverClass) problems.add('contextResolver', 'must extend SessionContextResolver');
}

function validateHeaderSessions(
  problems: OptionProblems,
  { headerSessions, csrf }: ResolvedSessionOptions,
): void {
  const { enabled, headerName, scheme } = headerSessions;
  if (typeof enabled !== 'boolean') problems.add('headerSessions.enabled', 'must be a boolean');
  if (
    typeof headerName !== 'string' ||
    !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(headerName) ||
    headerName === 'cookie'
  ) {
    problems.add('headerSessions.headerName', 'must be a header name');
  } else if (headerName === csrf.headerName) {
    problems.add('headerSessions.headerName', 'is the CSRF header');
  }
  if (typeof scheme !== 'string' || /\s/.test(scheme)) {
    problems.add('headerSessions.scheme', 'must be a word such as Bearer');
  }
}

function validateIdsAtRest(
  problems: OptionProblems,
  { hash, key, migrateRaw }: ResolvedSessionOptions['idsAtRest'],
): void {
  problems.boolean('idsAtRest.hash', hash);
  problems.boolean('idsAtRest.migrateRaw', migrateRaw);
  const keys: unknown = key;
  if (keys === undefined) return;
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((k) => typeof k === 'string' && k !== '')
  ) {
    problems.add('idsAtRest.key', 'must be a non-empty string, or an array of them to rotate');
  }
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validateTrustProxy(problems: OptionProblems, options: ResolvedSessionOptions): void {
  const trustProxy = options.trustProxy as unknown;
  if (trustProxy === false) return;
  if (trustProxy === true) {
    if (options.production !== true) return;
    return problems.add(
      'trustProxy',
      'true believes every X-Forwarded-For hop, so any client picks its own IP: give the number ' +
        'of proxies in front instead (1 for one load balancer), or their addresses',
    );
  }
  if (typeof trustProxy === 'number') {
    if (Number.isInteger(trustProxy) && trustProxy >= 0) return;
    return problems.add('trustProxy', `a hop count must be a whole number, got ${trustProxy}`);
  }
  const entries = typeof trustProxy === 'string' ? trustProxy.split(',') : trustProxy;
  if (!Array.isArray(entries) || entries.length === 0) {
    return problems.add('trustProxy', 'must be false, a hop count, or proxy addresses and subnets');
  }
  const bad = entries.find((entry) => typeof entry !== 'string' || !isProxyAddress(entry.trim()));
  if (bad === undefined) return;
  problems.add(
    'trustProxy',
    `"${String(bad).slice(0, 40)}" is not an IP address, a subnet (10.0.0.0/8), loopback, ` +
      'linklocal or uniquelocal',
  );
}

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (version === 4 && isIP(bits) === 4) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/** Rules between options, checked once each option is valid on its own. */
function validateCombinations(problems: OptionProblems, options: ResolvedSessionOptions): void {
  const { cookie, production } = options;
  if (cookie.sameSite === 'none' && cookie.secure !== true) {
    problems.add('cookie.sameSite', 'SameSite=None requires secure: true');
  }
  if (options.name.startsWith('__Host-') && (cookie.secure !== true || cookie.domain)) {
    problems.add('name', 'a __Host- cookie must be Secure and have no Domain');
  }
  if (production && cookie.secure !== true && !options.allowInsecureCookie) {
    problems.add(
      'cookie.secure',
      'cookies must be Secure in production (set allowInsecureCookie: true to override)',
    );
  }
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isPositiveInteger(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) > 0;
}
