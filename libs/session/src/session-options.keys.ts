import type { PageHistoryOptions } from './data/page-history.recorder';
import type { SessionOptionProblem } from './errors';
import type {
  CsrfOptions,
  HeaderSessionOptions,
  IdsAtRestOptions,
  MemoryStoreOptions,
  PostgresPruneOptions,
  PostgresStoreOptions,
  RedisStoreOptions,
  SessionCookieOptions,
  SessionModuleOptions,
} from './session.options';
import { isExpressStore } from './backends/is-express-store';

type KeysOf<T> = Record<keyof Required<T>, true>;

/** Every option key; `satisfies` keeps the list in step with the types. */
const MODULE_KEYS = {
  secret: true,
  name: true,
  store: true,
  cookie: true,
  resave: true,
  saveUninitialized: true,
  rolling: true,
  trustProxy: true,
  proxy: true,
  unset: true,
  genid: true,
  production: true,
  allowInsecureCookie: true,
  allowMemoryStore: true,
  forRoutes: true,
  exclude: true,
  roleHierarchy: true,
  freshLoginMaxAge: true,
  idleTimeout: true,
  absoluteTimeout: true,
  bindIp: true,
  bindUserAgent: true,
  bindingMismatch: true,
  rotateEvery: true,
  activityResolution: true,
  maxSessionsPerUser: true,
  csrf: true,
  noStore: true,
  countryHeader: true,
  pageHistory: true,
  headerSessions: true,
  contextResolver: true,
  registry: true,
  analytics: true,
  idsAtRest: true,
} satisfies KeysOf<SessionModuleOptions>;

const COOKIE_KEYS = {
  maxAge: true,
  expires: true,
  httpOnly: true,
  secure: true,
  sameSite: true,
  domain: true,
  path: true,
  partitioned: true,
  priority: true,
} satisfies KeysOf<SessionCookieOptions>;

const CSRF_KEYS = {
  enabled: true,
  allowedOrigins: true,
  headerName: true,
  fieldName: true,
} satisfies KeysOf<CsrfOptions>;

const MEMORY_STORE_KEYS = {
  type: true,
  maxSessions: true,
  ttl: true,
} satisfies KeysOf<MemoryStoreOptions>;

const REDIS_STORE_KEYS = {
  type: true,
  url: true,
  cluster: true,
  sentinel: true,
  client: true,
  prefix: true,
  ttl: true,
  connectTimeout: true,
  commandTimeout: true,
  loginReplicaWait: true,
} satisfies KeysOf<RedisStoreOptions>;

const POSTGRES_STORE_KEYS = {
  type: true,
  connectionString: true,
  pool: true,
  schema: true,
  table: true,
  createTables: true,
  ttl: true,
  prune: true,
  poolSize: true,
  connectTimeout: true,
  commandTimeout: true,
} satisfies KeysOf<PostgresStoreOptions>;

const POSTGRES_PRUNE_KEYS = {
  interval: true,
  batchSize: true,
} satisfies KeysOf<PostgresPruneOptions>;

const HEADER_SESSION_KEYS = {
  enabled: true,
  headerName: true,
  scheme: true,
} satisfies KeysOf<HeaderSessionOptions>;

const IDS_AT_REST_KEYS = {
  hash: true,
  key: true,
  migrateRaw: true,
} satisfies KeysOf<IdsAtRestOptions>;

const PAGE_HISTORY_KEYS = {
  maxPages: true,
  maxPathLength: true,
  isPage: true,
} satisfies KeysOf<PageHistoryOptions>;

/** @internal Unknown keys anywhere in the options, each named with a suggestion for a near miss. */
export function findUnknownOptions(options: SessionModuleOptions): SessionOptionProblem[] {
  const problems: SessionOptionProblem[] = [];
  check(problems, '', options, MODULE_KEYS);
  check(problems, 'cookie.', options.cookie, COOKIE_KEYS);
  if (typeof options.csrf === 'object') check(problems, 'csrf.', options.csrf, CSRF_KEYS);
  if (typeof options.pageHistory === 'object') {
    check(problems, 'pageHistory.', options.pageHistory, PAGE_HISTORY_KEYS);
  }
  check(problems, 'headerSessions.', options.headerSessions, HEADER_SESSION_KEYS);
  check(problems, 'idsAtRest.', options.idsAtRest, IDS_AT_REST_KEYS);
  const store = options.store as unknown;
  if (store && typeof store === 'object' && !isExpressStore(store)) {
    const type = (store as { type?: unknown }).type;
    if (type === 'memory') check(problems, 'store.', store, MEMORY_STORE_KEYS);
    if (type === 'redis') check(problems, 'store.', store, REDIS_STORE_KEYS);
    if (type === 'postgres') {
      check(problems, 'store.', store, POSTGRES_STORE_KEYS);
      check(problems, 'store.prune.', (store as { prune?: unknown }).prune, POSTGRES_PRUNE_KEYS);
    }
  }
  return problems;
}

function check(
  problems: SessionOptionProblem[],
  prefix: string,
  value: unknown,
  known: Record<string, true>,
): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(known, key)) continue;
    const near = nearest(key, Object.keys(known));
    problems.push({
      option: prefix + key,
      problem: `is not an option${near ? `; did you mean "${prefix}${near}"?` : ''}`,
    });
  }
}

/** The known key within a small edit distance of `key`, if any. */
function nearest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * @internal Every option by its path, for the README's test: the top-level keys, those of the
 * nested objects (`cookie.sameSite`), and the stores' (`store.prefix`).
 */
export function sessionOptionPaths(): { options: string[]; store: string[] } {
  const nested = (prefix: string, keys: object) => Object.keys(keys).map((key) => prefix + key);
  return {
    options: [
      ...Object.keys(MODULE_KEYS),
      ...nested('cookie.', COOKIE_KEYS),
      ...nested('csrf.', CSRF_KEYS),
      ...nested('pageHistory.', PAGE_HISTORY_KEYS),
      ...nested('headerSessions.', HEADER_SESSION_KEYS),
      ...nested('idsAtRest.', IDS_AT_REST_KEYS),
    ],
    // `type` is the discriminant, shown as `{ type: 'memory' }` and so on.
    store: [
      ...new Set([
        ...nested('store.', MEMORY_STORE_KEYS),
        ...nested('store.', REDIS_STORE_KEYS),
        ...nested('store.', POSTGRES_STORE_KEYS),
        ...nested('store.prune.', POSTGRES_PRUNE_KEYS),
      ]),
    ].filter((path) => path !== 'store.type'),
  };
}
