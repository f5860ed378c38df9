import { createClient, type RedisClientType } from 'redis';
import type { Response } from 'supertest';
import { PASSWORDS, sessionIdFrom, type TestApp } from './app-factory';

/** A plain node-redis client for inspecting what the app stored; close it with `close()`. */
export async function inspectRedis(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Calls per command name (lower case) from INFO commandstats. */
export async function commandCalls(client: RedisClientType): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const calls: Record<string, number> = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls[match[1]] = Number(match[2]);
  }
  return calls;
}

/**
 * The commands (name -> calls) the server ran while `action` did its work, not counting the INFO
 * calls that measure it. Use on a private redis-server that nothing else talks to.
 */
export async function commandsDuring(
  client: RedisClientType,
  action: () => Promise<unknown>,
  settleMs = 150,
): Promise<Record<string, number>> {
  const before = await commandCalls(client);
  await action();
  // express-session may still write after the response went out: let it finish first.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const after = await commandCalls(client);
  const delta: Record<string, number> = {};
  for (const [name, count] of Object.entries(after)) {
    const added = count - (before[name] ?? 0);
    if (added > 0 && name !== 'info') delta[name] = added;
  }
  return delta;
}

/** A signed-in session as raw HTTP material: the Cookie header, the session id and CSRF token. */
export interface LoggedIn {
  cookie: string;
  sid: string;
  csrfToken: string;
  user: { id: string; email: string; roles: string[] };
  response: Response;
}

/** Logs in without an agent, so the cookie can be replayed against any app instance. */
export async function logIn(app: TestApp, email = 'user@example.com'): Promise<LoggedIn> {
  const response = await app
    .agent()
    .post('/auth/login')
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  const setCookie = response.headers['set-cookie'] as unknown as string[] | undefined;
  const sid = sessionIdFrom(setCookie);
  const cookie = setCookie?.find((c) => c.startsWith('sid='))?.split(';')[0];
  if (!sid || !cookie) throw new Error(`login set no session cookie: ${String(setCookie)}`);
  return {
    cookie,
    sid,
    csrfToken: response.body.csrfToken as string,
    user: response.body.user as LoggedIn['user'],
    response,
  };
}

/** Resolves once `probe` returns true, or rejects after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The commands (as `NAME arg…` lines, values cut to 40 characters) the server at `url` ran while
 * `action` did its work, seen through MONITOR on a connection of its own. Use on a private
 * redis-server that nothing else talks to.
 */
export async function monitorDuring(
  url: string,
  action: () => Promise<unknown>,
  settleMs = 150,
): Promise<string[]> {
  const monitor = await inspectRedis(url);
  const seen: string[] = [];
  try {
    await monitor.monitor((line: string) => seen.push(line));
    await action();
    // express-session may still write after the response went out: let it finish first.
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    monitor.destroy();
  }
  return seen.map(commandOfMonitorLine);
}

/** `1700000000.123456 [0 127.0.0.1:5555] "GETEX" "sess:x" "EX" "3600"` -> `GETEX sess:x EX 3600`. */
function commandOfMonitorLine(line: string): string {
  const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return args.map((arg) => (arg.length > 40 ? `${arg.slice(0, 40)}…` : arg)).join(' ');
}
