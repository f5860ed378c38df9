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
 * Environment: PORT, REDIS_URL, SESSION_SECRET, BASELINE_HEADERS.
 */
require('reflect-metadata');
const { Injectable, Module, UnauthorizedException } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const {
  DEMO_USER,
  decorateAuthController,
  hashDemoPassword,
  isDemoLogin,
} = require('../lib/demo-auth');

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
    if (req.session && req.session.user) return true;
    throw new UnauthorizedException();
  }
}
Injectable()(SessionUserGuard);

const promisify = (run) =>
  new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

class AuthController {
  async login(req, body) {
    if (!(await isDemoLogin(body))) throw new UnauthorizedException('Invalid email or password');
    await promisify((cb) => req.session.regenerate(cb));
    req.session.user = DEMO_USER;
    await promisify((cb) => req.session.save(cb));
    return { user: DEMO_USER };
  }

  me(req) {
    return { user: req.session.user };
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

  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  if (process.env.BASELINE_HEADERS === '1') app.use(sampleSecurityHeaders());
  app.use(
    session({
      store: new RedisStore({ client }),
      secret: process.env.SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
    }),
  );
  await app.listen(Number(process.env.PORT || 3001), '127.0.0.1');
}

bootstrap().catch((err) => {
  process.stderr.write(`Failed to start: ${err && err.message}\n`);
  process.exit(1);
});
