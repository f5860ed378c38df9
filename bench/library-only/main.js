'use strict';

/*
 * The library alone: the hand-wired baseline's app (bench/baseline/main.js) with nest-session-kit
 * in place of the hand-wired express-session + connect-redis: SessionModule.forRoot on Redis with
 * every default security check (idle and absolute timeouts, activity stamps, CSRF guard off since
 * the baseline has none), SessionService.login and AuthGuard. No helmet, no global guard, pipe or
 * interceptor: what this app costs over the baseline is what the library costs.
 *
 * With HTTP_ADAPTER=fastify it runs on Nest's FastifyAdapter: the library on Fastify, where its
 * engine is express-session too, run as Nest middleware through @fastify/middie.
 *
 * Environment: PORT, REDIS_URL, SESSION_SECRET, HTTP_ADAPTER; BENCH_ANALYTICS=stalled gives it
 * an analytics backend whose records never answer (bench/analytics-stall.js). Needs `npm run
 * build` (libs/session/dist).
 */
require('reflect-metadata');
const { Module, UnauthorizedException } = require('@nestjs/common');
const {
  DEMO_USER,
  decorateAuthController,
  hashDemoPassword,
  isDemoLogin,
} = require('../lib/demo-auth');
const { createBenchApp, listenBenchApp, runBenchApp } = require('../lib/bench-app');
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

/** An analytics backend that never answers: a stalled database. */
const never = () => new Promise(() => {});
const stalledAnalytics = {
  recordStart: never,
  recordActivity: never,
  recordEnd: never,
  stats: never,
};

class AppModule {}
Module({
  imports: [
    kit.SessionModule.forRoot({
      secret: process.env.SESSION_SECRET,
      store: { type: 'redis', url: process.env.REDIS_URL },
      csrf: { enabled: false },
      ...(process.env.BENCH_ANALYTICS === 'stalled' ? { analytics: stalledAnalytics } : {}),
    }),
  ],
  controllers: [AuthController],
})(AppModule);

async function bootstrap() {
  await hashDemoPassword();
  const app = await createBenchApp(AppModule);
  await listenBenchApp(app, 3002);
}

runBenchApp(bootstrap);
