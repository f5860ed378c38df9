import {
  Inject,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import {
  DEFAULT_CONTEXT_RESOLVER,
  SessionContextResolver,
} from './context/session-context.resolver';
import { ConfigurableSessionModule, RAW_SESSION_OPTIONS } from './session.module-definition';
import { SESSION_OPTIONS, SESSION_REDIS_CLIENT, SESSION_STORE } from './session.constants';
import {
  applySessionDefaults,
  type ResolvedSessionOptions,
  type SessionModuleOptions,
} from './session.options';
import { validateSessionOptions } from './session-options.validation';
import { SessionStoreHost } from './backends/session-store.host';
import { SessionMiddleware } from './session.middleware';
import { SessionService } from './session.service';
import { SessionSecurity } from './security/session-security.service';
import { SessionRegistry } from './registry/session-registry.service';
import { SESSION_REGISTRY_BACKEND } from './backends/session-registry.backend';
import { createRegistryBackend } from './backends/redis/redis-registry-backend.factory';
import { SessionHealthService } from './session-health.service';
import { SessionEvents } from './session-events';
import { SessionAnalytics } from './analytics/session-analytics.service';

const providers: Provider[] = [
  {
    provide: SESSION_OPTIONS,
    inject: [RAW_SESSION_OPTIONS],
    useFactory: (raw: SessionModuleOptions) => validateSessionOptions(applySessionDefaults(raw)),
  },
  {
    provide: SessionStoreHost,
    inject: [SESSION_OPTIONS],
    useFactory: (options: ResolvedSessionOptions) => SessionStoreHost.create(options),
  },
  {
    provide: SESSION_STORE,
    inject: [SessionStoreHost],
    useFactory: (host: SessionStoreHost) => host.store,
  },
  {
    provide: SESSION_REDIS_CLIENT,
    inject: [SessionStoreHost],
    useFactory: (host: SessionStoreHost) => host.redisClient,
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
  {
    provide: SESSION_REGISTRY_BACKEND,
    inject: [SESSION_STORE, SESSION_OPTIONS],
    useFactory: createRegistryBackend,
  },
  SessionHealthService,
  SessionEvents,
  SessionAnalytics,
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
    SessionService,
    SessionRegistry,
    SessionHealthService,
    SessionEvents,
    SessionAnalytics,
    SessionContextResolver,
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
    if (this.options.trustProxy === false) return;
    const app = this.adapterHost.httpAdapter?.getInstance?.() as
      { set?: (key: string, value: unknown) => void } | undefined;
    app?.set?.('trust proxy', this.options.trustProxy);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SessionMiddleware)
      .exclude(...this.options.exclude)
      .forRoutes(...this.options.forRoutes);
  }
}
