'use strict';

const autocannon = require('autocannon');
const { withTimeout } = require('./util');

const DEMO_LOGIN = { email: 'user@example.com', password: 'user-password-1' };

/**
 * POST /auth/login without a cookie (no CSRF token needed then). Resolves to the session cookie
 * pair (`name=value`, whatever the name) and the time it took, or throws naming the status.
 */
async function login(baseUrl, credentials = DEMO_LOGIN) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'nest-session-kit-bench' },
    body: JSON.stringify(credentials),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 200) throw new Error(`login at ${baseUrl} answered ${res.status}: ${body}`);
  const setCookie = res.headers.getSetCookie();
  if (setCookie.length === 0) throw new Error(`login at ${baseUrl} set no cookie`);
  const cookie = setCookie.map((line) => line.split(';')[0]).join('; ');
  return { cookie, ms };
}

/** The session id inside an express-session signed cookie (`s:<id>.<signature>`), or null. */
function sessionIdOf(cookie) {
  for (const pair of cookie.split('; ')) {
    const value = decodeURIComponent(pair.slice(pair.indexOf('=') + 1));
    const match = /^s:([^.]+)\./.exec(value);
    if (match) return match[1];
  }
  return null;
}

/** GET path with the cookie: the status code. */
async function statusOf(baseUrl, path, cookie) {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: { cookie, 'user-agent': 'nest-session-kit-bench' },
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** One autocannon load of GET `path` with the cookie. */
async function load(baseUrl, path, cookie, { connections, seconds }) {
  const result = await withTimeout(
    autocannon({
      url: `${baseUrl}${path}`,
      connections,
      duration: seconds,
      headers: { cookie, 'user-agent': 'nest-session-kit-bench' },
    }),
    (seconds + 30) * 1000,
    'autocannon',
  );
  const requests = result.requests.total;
  return {
    requests,
    rps: requests / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

module.exports = { DEMO_LOGIN, login, sessionIdOf, statusOf, load };
