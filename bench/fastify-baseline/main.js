'use strict';

/*
 * The hand-wired Fastify baseline: a plain Nest app on `new FastifyAdapter()` with sessions the
 * Fastify way, @fastify/cookie + @fastify/session on connect-redis 9's RedisStore and node-redis,
 * and one trivial guard that checks request.session.user. The same POST /auth/login (argon2id,
 * a new session id) and GET /auth/me as the other bench apps; no security checks, no CSRF.
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET.
 */
require('reflect-metadata');
const { Injectable, Module, UnauthorizedException } = require('@nestjs/common');
const fastifyCookie = require('@fastify/cookie');
const fastifySession = require('@fastify/session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const {
  DEMO_USER,
  decorateAuthController,
  hashDemoPassword,
  isDemoLogin,
} = require('../lib/demo-auth');
const { createBenchApp, listenBenchApp, runBenchApp } = require('../lib/bench-app');

class SessionUserGuard {
  canActivate(context) {
    const req = context.switchToHttp().getRequest();
    if (req.session && req.session.get('user')) return true;
    throw new UnauthorizedException();
  }
}
Injectable()(SessionUserGuard);

class AuthController {
  async login(req, body) {
    if (!(await isDemoLogin(body))) throw new UnauthorizedException('Invalid email or password');
    await req.session.regenerate();
    req.session.set('user', DEMO_USER);
    await req.session.save();
    return { user: DEMO_USER };
  }

  me(req) {
    return { user: req.session.get('user') };
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

  const app = await createBenchApp(AppModule, 'fastify');
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    store: new RedisStore({ client }),
    secret: process.env.SESSION_SECRET,
    cookieName: 'sid',
    saveUninitialized: false,
    cookie: { secure: false, httpOnly: true, sameSite: 'lax', path: '/' },
  });
  await listenBenchApp(app, 3004);
}

runBenchApp(bootstrap);
