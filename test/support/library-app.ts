import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionModule, type SessionModuleOptions } from 'nest-session-kit';
import { TEST_SECRET } from './app-factory';

/**
 * A small Nest app with the library alone: `SessionModule.forRoot` (the test secret, CSRF off
 * unless asked) and the test's own controllers. For what the sample app cannot show.
 */
export async function createLibraryApp(
  options: Partial<SessionModuleOptions>,
  controllers: Type<unknown>[],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ secret: TEST_SECRET, csrf: { enabled: false }, ...options })],
    controllers,
  }).compile();
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
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot({ secret: TEST_SECRET, ...options })],
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: process.env.DEBUG_FASTIFY ? ['error', 'warn'] : false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
