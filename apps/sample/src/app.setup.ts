import type { Server } from 'node:http';
import { ConfigService } from '@nestjs/config';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  AllowedOrigins,
  SESSION_OPTIONS,
  SessionConfigurationError,
  enableSessionCors,
  type ResolvedSessionOptions,
} from 'nest-session-kit';
import { jsonBodies } from './common/request-body.middleware';
import { isPageForm } from './pages/page-routes';
import { securityHeaders } from './common/security-headers.middleware';
import { API_DOCS_PATH } from './common/api-docs';
import { answerClientErrorsInJson } from './common/client-error.handler';
import {
  useHeadersOnFrameworkErrors,
  expressHelpersForMiddleware,
  platformOf,
  useMiddlewareBodies,
} from './common/http-platform';

/**
 * Everything main.ts does to the app besides listening, shared with the e2e tests so they run
 * the app exactly as production does. Create the app with `{ bodyParser: false }`, on Express
 * or on Fastify (HTTP_ADAPTER): the same middleware runs on both.
 */
export function configureApp<T extends INestApplication>(app: T): T {
  if (platformOf(app) === 'express') {
    (app as unknown as NestExpressApplication).disable('x-powered-by');
  } else {
    // Fastify sends no X-Powered-By; its middleware gets Node.js' request and response.
    app.use(expressHelpersForMiddleware());
    useMiddlewareBodies(app);
  }
  const server = app.getHttpServer() as Server;
  // Fastify answers Node-level refusals itself, in its own shape: this app's answer replaces it.
  if (platformOf(app) === 'fastify') server.removeAllListeners('clientError');
  answerClientErrorsInJson(server);
  // ALLOWED_ORIGINS, through the session options: the CSRF check's origins get CORS too.
  enableSessionCors(app);
  const headers = securityHeaders(
    AllowedOrigins.of(app.get<ResolvedSessionOptions>(SESSION_OPTIONS)),
  );
  app.use(headers);
  if (platformOf(app) === 'fastify') {
    useHeadersOnFrameworkErrors(
      app,
      headers as unknown as Parameters<typeof useHeadersOnFrameworkErrors>[1],
    );
  }
  app.use(jsonBodies(isPageForm));
  app.enableShutdownHooks();
  if (docsEnabled(app.get(ConfigService))) setUpApiDocs(app);
  return app;
}

/** DOCS_ENABLED, or on everywhere but in production. */
function docsEnabled(config: ConfigService): boolean {
  const value = config.get<string>('DOCS_ENABLED')?.trim().toLowerCase();
  if (value === undefined || value === '') return config.get<string>('NODE_ENV') !== 'production';
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new SessionConfigurationError('DOCS_ENABLED', `must be true or false, got "${value}"`);
}

/** The OpenAPI UI at /docs and the document at /docs-json (API_DOCS_PATH). */
function setUpApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nest-session-kit sample')
    .setDescription(
      'Every error is `{statusCode, code, message}` plus documented extra fields. ' +
        'State-changing requests with a live session need the `x-csrf-token` header ' +
        '(GET /auth/csrf, or the login response). Prices are in cents.',
    )
    .setVersion('0.1.0')
    .addCookieAuth('sid')
    .addSecurity('csrf', { type: 'apiKey', in: 'header', name: 'x-csrf-token' })
    .build();
  SwaggerModule.setup(API_DOCS_PATH, app, () => SwaggerModule.createDocument(app, config));
}
