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
 * With BASELINE_HELMET=1 it also applies helmet() first, as the sample does (and as the Nest docs'
 * security chapter recommends): that reference separates what helmet's headers cost from what the
 * library costs.
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET, BASELINE_HELMET.
 */
require('reflect-metadata');
const {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const { Algorithm, hash, verify } = require('@node-rs/argon2');

const DEMO_EMAIL = 'user@example.com';
const DEMO_PASSWORD = 'user-password-1';
const DEMO_USER = { id: 'u1', email: DEMO_EMAIL, roles: ['user'] };
let demoPasswordHash = '';

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
    const ok =
      body &&
      body.email === DEMO_EMAIL &&
      typeof body.password === 'string' &&
      (await verify(demoPasswordHash, body.password));
    if (!ok) throw new UnauthorizedException('Invalid email or password');
    await promisify((cb) => req.session.regenerate(cb));
    req.session.user = DEMO_USER;
    await promisify((cb) => req.session.save(cb));
    return { user: DEMO_USER };
  }

  me(req) {
    return { user: req.session.user };
  }
}

function decorateMethod(target, key, decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
  for (const decorate of decorators) decorate(target.prototype, key, descriptor);
}
decorateMethod(AuthController, 'login', [Post('login'), HttpCode(200)]);
Req()(AuthController.prototype, 'login', 0);
Body()(AuthController.prototype, 'login', 1);
decorateMethod(AuthController, 'me', [Get('me'), UseGuards(SessionUserGuard)]);
Req()(AuthController.prototype, 'me', 0);
Controller('auth')(AuthController);

class AppModule {}
Module({ controllers: [AuthController] })(AppModule);

async function bootstrap() {
  demoPasswordHash = await hash(DEMO_PASSWORD, {
    algorithm: Algorithm.Argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  const client = createClient({ url: process.env.REDIS_URL });
  client.on('error', (err) => process.stderr.write(`redis: ${err.message}\n`));
  await client.connect();

  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  if (process.env.BASELINE_HELMET === '1') app.use(require('helmet')());
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
