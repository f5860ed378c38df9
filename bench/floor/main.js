'use strict';

/*
 * The floor of the ladder: bare node:http and one Redis GET per read, nothing else (no Nest, no
 * cookie signing, no session layer). POST /auth/login with the demo credentials stores the demo
 * user under a random id and sets `sid=<id>`; GET /auth/me answers the stored user or 401. Its
 * node-redis client has no per-command timer (`commandOptions.timeout: 0`, what the library's
 * own clients use), so the floor is what a read costs at least on this machine.
 *
 * Environment: PORT, REDIS_URL.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { createClient } = require('redis');
const { DEMO_USER } = require('../lib/demo-auth');
const { DEMO_LOGIN } = require('../lib/http');

const PREFIX = 'floor:';
const TTL_SECONDS = '86400';

function sessionIdOf(cookieHeader) {
  const match = /(?:^|;\s*)sid=([A-Za-z0-9_-]{43})(?:;|$)/.exec(cookieHeader || '');
  return match ? match[1] : null;
}

function send(res, status, body, headers = {}) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

async function login(client, req, res) {
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    body = null;
  }
  if (!body || body.email !== DEMO_LOGIN.email || body.password !== DEMO_LOGIN.password) {
    return send(res, 401, { message: 'Invalid email or password' });
  }
  const sid = crypto.randomBytes(32).toString('base64url');
  await client.sendCommand(['SET', PREFIX + sid, JSON.stringify(DEMO_USER), 'EX', TTL_SECONDS]);
  send(res, 200, { user: DEMO_USER }, { 'set-cookie': `sid=${sid}; Path=/; HttpOnly` });
}

async function me(client, req, res) {
  const sid = sessionIdOf(req.headers.cookie);
  const stored = sid && (await client.sendCommand(['GET', PREFIX + sid]));
  if (!stored) return send(res, 401, { message: 'Unauthorized' });
  send(res, 200, { user: JSON.parse(stored) });
}

async function main() {
  const client = createClient({ url: process.env.REDIS_URL, commandOptions: { timeout: 0 } });
  client.on('error', (err) => process.stderr.write(`redis: ${err.message}\n`));
  await client.connect();
  const server = http.createServer((req, res) => {
    const route =
      req.method === 'POST' && req.url === '/auth/login'
        ? login
        : req.method === 'GET' && req.url === '/auth/me'
          ? me
          : null;
    if (!route) return send(res, 404, { message: 'Not Found' });
    route(client, req, res).catch(() =>
      res.headersSent ? res.destroy() : send(res, 503, { message: 'Redis unavailable' }),
    );
  });
  server.listen(Number(process.env.PORT || 3005), '127.0.0.1');
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${err && err.message}\n`);
  process.exit(1);
});
