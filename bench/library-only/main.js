'use strict';

/*
 * The library alone: the hand-wired baseline's app (bench/baseline/main.js) with nest-session-kit
 * in place of the hand-wired express-session + connect-redis: SessionModule.forRoot on Redis with
 * every default security check (idle and absolute timeouts, activity stamps, CSRF guard off since
 * the baseline has none), SessionService.login and AuthGuard. No helmet, no global guard, pipe or
 * interceptor: what this app costs over the baseline is what the library costs.
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET. Needs `npm run build` (dist/libs/session).
 */
require('reflect-metadata');
const path = require('node:path');
const {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Algorithm, hash, verify } = require('@node-rs/argon2');
const kit = require(path.join(__dirname, '../../dist/libs/session/index.js'));

const DEMO_EMAIL = 'user@example.com';
const DEMO_PASSWORD = 'user-password-1';
const DEMO_USER = { id: 'u1', email: DEMO_EMAIL, roles: ['user'] };
let demoPasswordHash = '';

class AuthController {
  constructor(sessions) {
    this.sessions = sessions;
  }

  async login(req, body) {
    const ok =
      body &&
      body.email === DEMO_EMAIL &&
      typeof body.password === 'string' &&
      (await verify(demoPasswordHash, body.password));
    if (!ok) throw new UnauthorizedException('Invalid email or password');
    await this.sessions.login(req, DEMO_USER);
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
decorateMethod(AuthController, 'me', [Get('me'), UseGuards(kit.AuthGuard)]);
Req()(AuthController.prototype, 'me', 0);
Reflect.defineMetadata('design:paramtypes', [kit.SessionService], AuthController);
Controller('auth')(AuthController);

class AppModule {}
Module({
  imports: [
    kit.SessionModule.forRoot({
      secret: process.env.SESSION_SECRET,
      store: { type: 'redis', url: process.env.REDIS_URL },
      csrf: { enabled: false },
    }),
  ],
  controllers: [AuthController],
})(AppModule);

async function bootstrap() {
  demoPasswordHash = await hash(DEMO_PASSWORD, {
    algorithm: Algorithm.Argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(Number(process.env.PORT || 3002), '127.0.0.1');
}

bootstrap().catch((err) => {
  process.stderr.write(`Failed to start: ${err && err.message}\n`);
  process.exit(1);
});
