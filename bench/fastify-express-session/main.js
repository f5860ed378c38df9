'use strict';

/*
 * The engine alone on Fastify: bench/baseline's hand-wired app (express-session on connect-redis
 * 9 and node-redis, `app.use(session(...))`, one guard checking req.session.user) created with
 * `new FastifyAdapter()`, so express-session runs as middleware through @fastify/middie, as in
 * the library on Fastify but without the library. Tells the engine's cost from the library's.
 * Without the library the session is on the Node.js request only (`request.raw.session`): on
 * Fastify's request it is undefined, as Nest users find (nestjs/nest#5720, #9927).
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET.
 */
require('reflect-metadata');
const { Injectable, Module, UnauthorizedException } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const {
  DEMO_USER,
  decorateAuthController,
  hashDemoPassword,
  isDemoLogin,
} = require('../lib/demo-auth');

class SessionUserGuard {
  canActivate(context) {
    const req = context.switchToHttp().getRequest();
    if (sessionOf(req) && sessionOf(req).user) return true;
    throw new UnauthorizedException();
  }
}
Injectable()(SessionUserGuard);

/** The session, on the Node.js request that express-session saw. */
const sessionOf = (req) => req.raw.session;

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

  const app = await NestFactory.create(AppModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.use(
    session({
      store: new RedisStore({ client }),
      secret: process.env.SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
    }),
  );
  await app.listen(Number(process.env.PORT || 3005), '127.0.0.1');
}

bootstrap().catch((err) => {
  process.stderr.write(`Failed to start: ${err && err.message}\n`);
  process.exit(1);
});
