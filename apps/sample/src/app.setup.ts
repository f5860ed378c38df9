import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { parseJsonBodies, requireJsonBodies } from './common/request-body.middleware';

/**
 * Everything main.ts does to the app besides listening, shared with the e2e tests so they run
 * the app exactly as production does. Create the app with `{ bodyParser: false }`.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(requireJsonBodies);
  app.use(...parseJsonBodies());
  app.enableShutdownHooks();
  return app;
}
