'use strict';

/*
 * What the bench's Nest apps share: the platform they run on (HTTP_ADAPTER=fastify for Nest's
 * FastifyAdapter, else Express, as the sample reads it), the loopback address and PORT they
 * listen on, and a start-up failure that exits loudly.
 */
const { NestFactory } = require('@nestjs/core');

const LOGGER = ['error', 'warn'];

/** The Nest app of `AppModule` on `platform` (HTTP_ADAPTER unless given). */
function createBenchApp(AppModule, platform = process.env.HTTP_ADAPTER) {
  if (platform !== 'fastify') return NestFactory.create(AppModule, { logger: LOGGER });
  const { FastifyAdapter } = require('@nestjs/platform-fastify');
  return NestFactory.create(AppModule, new FastifyAdapter(), { logger: LOGGER });
}

function listenBenchApp(app, defaultPort) {
  return app.listen(Number(process.env.PORT || defaultPort), '127.0.0.1');
}

/** Runs `bootstrap`; a failure is one line on stderr and exit code 1. */
function runBenchApp(bootstrap) {
  bootstrap().catch((err) => {
    process.stderr.write(`Failed to start: ${err && err.message}\n`);
    process.exit(1);
  });
}

module.exports = { createBenchApp, listenBenchApp, runBenchApp };
