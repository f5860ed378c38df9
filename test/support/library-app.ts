import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionModule, type SessionModuleOptions } from 'nest-session-kit';
import { TEST_HTTP_ADAPTER, TEST_SECRET } from './app-factory';

/**
 * A small Nest app with the library alone: `SessionModule.forRoot` (the test secret, CSRF off
 * unless asked) and the test's own controllers. For what the sample app cannot show. On the
 * suites' platform (TEST_HTTP_ADAPTER): Express unless `fastify`.
 */
export async function createLibraryApp(
  options: Partial<SessionModuleOptions>,
  controllers: Type<unknown>[],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ secret: TEST_SECRET, csrf: { enabled: false }, ...options })],
    controllers,
  }).compile();
  if (TEST_HTTP_ADAPTER === 'fastify') {
    // On Fastify the proxies to trust are the adapter's, as the library's README says.
    const adapter = new FastifyAdapter({ trustProxy: fastifyTrustOf(options.trustProxy) });
    const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  }
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/**
 * The same small app on Nest's Fastify platform (@nestjs/platform-fastify), ready to serve:
 * `SessionModule.forRoot` with the test secret, CSRF as the library defaults it unless asked.
 */
export async function createFastifyLibraryApp(
  options: Partial<SessionModuleOptions>,
  controllers: Type<unknown>[],
  adapterOptions: ConstructorParameters<typeof FastifyAdapter>[0] = {},
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ secret: TEST_SECRET, ...options })],
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(adapterOptions),
    {
      logger: process.env.DEBUG_FASTIFY ? ['error', 'warn'] : false,
    },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * The module's `trustProxy` as Fastify's adapter takes it: a hop count as Express reads it (the
 * first `n` hops), which Fastify 5.12 would read as "trust nothing".
 */
function fastifyTrustOf(
  trust: SessionModuleOptions['trustProxy'],
): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust ?? false;
}
