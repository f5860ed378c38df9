import {
  Inject,
  Logger,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import {
  DEFAULT_CONTEXT_RESOLVER,
  SessionContextResolver,
} from './context/session-context.resolver';
import { ConfigurableSessionModule, RAW_SESSION_OPTIONS } from './session.module-definition';
import {
  SESSION_OPTIONS,
  SESSION_POSTGRES_POOL,
  SESSION_REDIS_CLIENT,
  SESSION_STORE,
} from './session.constants';
import type { ResolvedSessionOptions } from './session.options';
import { resolveSessionOptions } from './session-options.resolve';
import { CsrfGuard } from './guards/csrf.guard';
import {
  SESSION_ANALYTICS_BACKEND,
  SESSION_BACKEND,
  SESSION_REGISTRY_BACKEND,
  type SessionBackend,
} from './backends/backend';
import { createSessionBackend } from './backends/create-session-backend';
import { SessionBackendHost } from './backends/session-backend.host';
import { SessionBackendCalls } from './backends/backend-calls';
import { storeOfUser } from './backends/custom/hashed-id.store';
import { SessionMiddleware } from './session.middleware';
import { SessionEndedNotifier } from './sockets/session-ended.notifier';
import { SessionSockets } from './sockets/session-sockets.service';
import { SessionService } from './session.service';
import { SessionSecurity } from './security/session-security.service';
import { SessionRegistry } from './registry/session-registry.service';
import { SessionHealthService } from './session-health.service';
import { SessionEvents } from './session-events';
import { SessionAnalytics } from './analytics/session-analytics.service';
import { isFastifyAdapter, prepareFastifyRequests } from './http/fastify-platform';

const providers: Provider[] = [
  {
    provide: SESSION_OPTIONS,
    inject: [RAW_SESSION_OPTIONS],
    useFactory: resolveSessionOptions,
  },
  // CSRF protection on every route without the app registering a guard (`csrf: false` disables).
  { provide: APP_GUARD, useClass: CsrfGuard },
  {
    provide: SESSION_BACKEND,
    inject: [SESSION_OPTIONS],
    useFactory: createSessionBackend,
  },
  SessionBackendHost,
  SessionBackendCalls,
  {
    provide: SESSION_STORE,
    inject: [SESSION_BACKEND],
    useFactory: (backend: SessionBackend) => storeOfUser(backend.store),
  },
  {
    provide: SESSION_REDIS_CLIENT,
    inject: [SESSION_BACKEND],
    useFactory: (backend: SessionBackend) => backend.redisClient ?? null,
  },
  {
    provide: SESSION_POSTGRES_POOL,
    inject: [SESSION_BACKEND],
    useFactory: (backend: SessionBackend) => backend.postgresPool ?? null,
  },
  {
    provide: SESSION_REGISTRY_BACKEND,
    inject: [SESSION_BACKEND],
    useFactory: (backend: SessionBackend) => backend.registry,
  },
  {
    provide: SESSION_ANALYTICS_BACKEND,
    inject: [SESSION_BACKEND],
    useFactory: (backend: SessionBackend) => backend.analytics,
  },
  {
    provide: SessionContextResolver,
    inject: [SESSION_OPTIONS, ModuleRef],
    useFactory: (options: ResolvedSessionOptions, moduleRef: ModuleRef) =>
      options.contextResolver === SessionContextResolver
        ? DEFAULT_CONTEXT_RESOLVER
        : moduleRef.create(options.contextResolver),
  },
  SessionMiddleware,
  SessionSecurity,
  SessionService,
  SessionRegistry,
  SessionHealthService,
  SessionEvents,
  SessionAnalytics,
  SessionEndedNotifier,
  SessionSockets,
];

/**
 * Server-side sessions on express-session: `SessionModule.forRoot(options)` or
 * `SessionModule.forRootAsync({ imports, inject, useFactory | useClass | useExisting })`.
 * The module applies the session middleware itself, so testing modules get it too.
 */
@Module({
  providers,
  exports: [
    SESSION_OPTIONS,
    SESSION_STORE,
    SESSION_REDIS_CLIENT,
    SESSION_POSTGRES_POOL,
    SESSION_BACKEND,
    SESSION_REGISTRY_BACKEND,
    SESSION_ANALYTICS_BACKEND,
    SessionService,
    SessionRegistry,
    SessionHealthService,
    SessionEvents,
    SessionAnalytics,
    SessionContextResolver,
    SessionSockets,
  ],
})
export class SessionModule extends ConfigurableSessionModule implements NestModule, OnModuleInit {
  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (isFastifyAdapter(adapter)) {
      // Fastify's own `trustProxy` (new FastifyAdapter({ trustProxy })) decides req.ip there.
      const warn = () =>
        new Logger('SessionModule').warn(
          'trustProxy is set, but this Fastify app trusts no proxy, so client addresses are the ' +
            "proxy's and forwarded headers are ignored. On Fastify, proxy trust is the adapter's: " +
            'new FastifyAdapter({ trustProxy }). (Logged once.)',
        );
      prepareFastifyRequests(
        adapter.getInstance(),
        this.options.trustProxy === false ? undefined : warn,
      );
      return;
    }
    if (this.options.trustProxy === false) return;
    const app = adapter?.getInstance?.() as
      { set?: (key: string, value: unknown) => void } | undefined;
    app?.set?.('trust proxy', this.options.trustProxy);
  }

  configure(consumer: MiddlewareConsumer): void {
    // On Express a middleware mounted at '/' runs for every path; on Fastify '/' is one path,
    // and every path is '/{*path}'.
    const everyPath = isFastifyAdapter(this.adapterHost.httpAdapter) ? '/{*path}' : '/';
    const routes = this.options.forRoutes.map((route) => (route === '/' ? everyPath : route));
    consumer
      .apply(SessionMiddleware)
      .exclude(...this.options.exclude)
      .forRoutes(...routes);
  }
}
