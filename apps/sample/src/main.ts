import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { httpPlatformOf } from './common/http-platform';
import { fastifyAdapterFor } from './common/fastify-adapter';

const APP_OPTIONS = {
  bodyParser: false,
  abortOnError: false,
  // Held back until start-up succeeds: a bad configuration prints one line, not Nest's stack.
  bufferLogs: true,
  autoFlushLogs: false,
};

/** HTTP_ADAPTER: Express (the default) or Fastify, with the same contract. */
async function createApp(): Promise<INestApplication> {
  if (httpPlatformOf(process.env.HTTP_ADAPTER) === 'fastify') {
    return NestFactory.create(
      AppModule.forRoot(),
      await fastifyAdapterFor(process.env),
      APP_OPTIONS,
    );
  }
  return NestFactory.create(AppModule.forRoot(), APP_OPTIONS);
}

async function bootstrap(): Promise<void> {
  const app = await createApp();
  app.flushLogs();
  configureApp(app);
  const port = Number(process.env.PORT ?? 3000);
  // Fastify listens on localhost alone unless told; Express on every interface: keep Express'.
  if (app.getHttpAdapter().getType() === 'fastify') await app.listen(port, '0.0.0.0');
  else await app.listen(port);
  new Logger('Bootstrap').log(`Sample app listening on http://localhost:${port}`);
}

bootstrap().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Failed to start: ${message}\n`);
  process.exit(1);
});
