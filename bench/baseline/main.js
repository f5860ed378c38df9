'use strict';

/*
 * The hand-wired baseline: a plain Nest app with sessions the way the Nest docs show them,
 *   app.use(session({ store: new RedisStore({ client }), secret, resave: false,
 *                     saveUninitialized: false }))
 * on connect-redis 9 and node-redis, and one trivial guard that checks req.session.user. The same
 * POST /auth/login and GET /auth/me as the sample app. Plain JavaScript, so the decorators are
 * applied by hand (what TypeScript's emitted `__decorate` calls do).
 *
 * Login verifies an argon2id hash with the sample's parameters and regenerates the session id;
 * login is not what the throughput rounds measure, it is here so that both apps do the same work.
 *
 * With BASELINE_HEADERS=1 it also applies the sample's security headers first (helmet, configured
 * as the sample configures it; taken from the sample's build): that reference separates what the
 * headers cost from what the library costs.
 *
 * With HTTP_ADAPTER=fastify it runs on Nest's FastifyAdapter, where express-session runs as
 * middleware through @fastify/middie, as in the library on Fastify but without the library: that
 * tells the engine's cost from the library's. There the session is on the Node.js request only
 * (`request.raw.session`); on Fastify's request it is undefined, as Nest users find
 * (nestjs/nest#5720, #9927).
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET, BASELINE_HEADERS, HTTP_ADAPTER.
 */
require('reflect-metadata');
const { Injectable, Module, UnauthorizedException } = require('@nestjs/common');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const {
  DEMO_USER,
  decorateAuthController,
  hashDemoPassword,
  isDemoLogin,
} = require('../lib/demo-auth');
const { createBenchApp, listenBenchApp, runBenchApp } = require('../lib/bench-app');

const SAMPLE_HEADERS =
  '../../dist/apps/sample/apps/sample/src/common/security-headers.middleware.js';

/**
 * The sample's headers as the sample applies them with ALLOWED_ORIGINS unset: no origin is
 * allowed (an empty AllowedOrigins, without requiring the library into the hand-wired baseline).
 */
function sampleSecurityHeaders() {
  const noAllowedOrigins = { includes: () => false };
  return require(SAMPLE_HEADERS).securityHeaders(noAllowedOrigins);
}

class SessionUserGuard {
  canActivate(context) {
    const req = context.switchToHttp().getRequest();
    if (sessionOf(req) && sessionOf(req).user) return true;
    throw new UnauthorizedException();
  }
}
Injectable()(SessionUserGuard);

/** The session, on the Node.js request that express-session saw (Fastify's `request.raw`). */
const sessionOf = (req) => (req.raw ?? req).session;

const promisify = (run) =>
  new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

class AuthController {
  async login(req, body) {
    if (!(await isDemoLogin(body))) throw new UnauthorizedException('Invalid email or password');
    await promisify((cb) => sessionOf(req).regenerate(cb));
    sessionOf(req).user = DEMO_USER;
    await promisify((cb) => sessionOf(req).save(cb));
    return { user: DEMO_USER };
  }

  me(req) {
    return { user: sessionOf(req).user };
  }
}
decorateAuthController(AuthController, SessionUserGuard);

class AppModule {}
Module({ controllers: [AuthController] })(AppModule);

async function bootstrap() {
  await hashDemoPassword();
  const client = createClient({ url: process.env.REDIS_URL });
  client.on('error', (err) => process.stderr.write(`redis: ${err.message}\n`));
  await client.connect();

  const app = await createBenchApp(AppModule);
  if (process.env.BASELINE_HEADERS === '1') app.use(sampleSecurityHeaders());
  app.use(
    session({
      store: new RedisStore({ client }),
      secret: process.env.SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
    }),
  );
  await listenBenchApp(app, 3001);
}

runBenchApp(bootstrap);
