'use strict';

/*
 * The library on Nest's Fastify platform: bench/library-only's app (SessionModule.forRoot on
 * Redis with every default security check, CSRF guard off as the baselines have none,
 * SessionService.login and AuthGuard) created with `new FastifyAdapter()`. The engine is the
 * library's own on Express too: express-session, run as Nest middleware through @fastify/middie.
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET. Needs `npm run build` (libs/session/dist).
 */
require('reflect-metadata');
const { Module, UnauthorizedException } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const {
  DEMO_USER,
  decorateAuthController,
  hashDemoPassword,
  isDemoLogin,
} = require('../lib/demo-auth');
const kit = require('nest-session-kit');

class AuthController {
  constructor(sessions) {
    this.sessions = sessions;
  }

  async login(req, body) {
    if (!(await isDemoLogin(body))) throw new UnauthorizedException('Invalid email or password');
    await this.sessions.login(req, DEMO_USER);
    return { user: DEMO_USER };
  }

  me(req) {
    return { user: req.session.user };
  }
}
Reflect.defineMetadata('design:paramtypes', [kit.SessionService], AuthController);
decorateAuthController(AuthController, kit.AuthGuard);

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
  await hashDemoPassword();
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  await app.listen(Number(process.env.PORT || 3003), '127.0.0.1');
}

bootstrap().catch((err) => {
  process.stderr.write(`Failed to start: ${err && err.message}\n`);
  process.exit(1);
});
