import type { OptionProblems } from '../../session-options.problems';
import { isHostAndPort } from './redis-connection';

const CONNECTIONS = ['url', 'client', 'cluster', 'sentinel'] as const;
const CLUSTER_KEYS = ['rootNodes', 'defaults', 'useReplicas', 'nodeAddressMap'];
const SENTINEL_KEYS = ['sentinels', 'name', 'nodeClientOptions', 'sentinelClientOptions'];

/**
 * How a `{ type: 'redis' }` store connects: exactly one of url, client, cluster and sentinel,
 * each well formed, and the Redis-only numbers. Adds a problem per invalid option.
 */
export function validateRedisStore(problems: OptionProblems, store: Record<string, unknown>): void {
  const given = CONNECTIONS.filter((key) => store[key] !== undefined && store[key] !== null);
  if (given.length === 0) {
    problems.add('store', 'a Redis store needs a url or a client (or a cluster, or a sentinel)');
  }
  if (given.length > 1) {
    problems.add(
      `store.${given[1]}`,
      `give one of url, client, cluster and sentinel, not ${given.join(' and ')}`,
    );
  }
  const { url, cluster, sentinel, loginReplicaWait } = store;
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
    problems.add('store.url', 'must be a redis:// or rediss:// URL');
  }
  for (const key of ['connectTimeout', 'commandTimeout'] as const) {
    if (store[key] !== undefined) problems.positiveInteger(`store.${key}`, store[key]);
  }
  if (loginReplicaWait !== undefined && loginReplicaWait !== false) {
    problems.positiveInteger('store.loginReplicaWait', loginReplicaWait, 'false');
  }
  if (cluster !== undefined) validateCluster(problems, cluster);
  if (sentinel !== undefined) validateSentinel(problems, sentinel);
}

function validateCluster(problems: OptionProblems, cluster: unknown): void {
  const shape = objectWithKeys(problems, cluster, 'store.cluster', CLUSTER_KEYS);
  if (!shape) return;
  addresses(problems, shape.rootNodes, 'store.cluster.rootNodes', (node) =>
    /^rediss?:\/\//.test(node) ? hostOfUrl(node) : node,
  );
  if (shape.useReplicas !== undefined) {
    problems.boolean('store.cluster.useReplicas', shape.useReplicas);
  }
}

function validateSentinel(problems: OptionProblems, sentinel: unknown): void {
  const shape = objectWithKeys(problems, sentinel, 'store.sentinel', SENTINEL_KEYS);
  if (!shape) return;
  addresses(problems, shape.sentinels, 'store.sentinel.sentinels', (node) => node);
  if (typeof shape.name !== 'string' || shape.name.trim() === '') {
    problems.add(
      'store.sentinel.name',
      "must name the master the sentinels monitor (e.g. 'mymaster')",
    );
  }
}

function objectWithKeys(
  problems: OptionProblems,
  value: unknown,
  option: string,
  known: string[],
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add(option, 'must be an object');
    return undefined;
  }
  for (const key of Object.keys(value).filter((each) => !known.includes(each))) {
    problems.add(`${option}.${key}`, `is not an option (known: ${known.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function addresses(
  problems: OptionProblems,
  value: unknown,
  option: string,
  address: (node: string) => string,
): void {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
    problems.add(option, 'must be a non-empty list of host:port addresses');
    return;
  }
  const bad = (value as string[]).find((node) => !isHostAndPort(address(node)));
  if (bad !== undefined) problems.add(option, `"${bad}" is not a host:port address`);
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
