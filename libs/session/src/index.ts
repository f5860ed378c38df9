import './session.types';

export { SessionModule } from './session.module';
export {
  SESSION_MODULE_OPTIONS_TYPE,
  SESSION_MODULE_ASYNC_OPTIONS_TYPE,
} from './session.module-definition';
export type {
  SessionModuleAsyncOptions,
  SessionModuleExtras,
  SessionModuleForRootOptions,
  SessionOptionsFactory,
} from './session.module-definition';
export {
  SESSION_OPTIONS,
  SESSION_STORE,
  SESSION_REDIS_CLIENT,
  SESSION_POSTGRES_POOL,
  InjectSessionOptions,
  InjectSessionStore,
  InjectSessionRedisClient,
  InjectSessionPostgresPool,
} from './session.constants';
export type {
  SessionModuleOptions,
  ResolvedSessionOptions,
  SessionCookieOptions,
  SessionStoreOption,
  MemoryStoreOptions,
  RedisClusterStoreOptions,
  RedisSentinelStoreOptions,
  RedisStoreOptions,
  PostgresStoreOptions,
  PostgresPoolLike,
  PostgresPruneOptions,
  CsrfOptions,
  HeaderSessionOptions,
  SessionRouteInfo,
  IdsAtRestOptions,
} from './session.options';
export { DEFAULT_ROLE_HIERARCHY } from './session.options';
export { sessionOptionsFromEnv } from './session-options.env';
export type { SessionPrincipal, SessionAuthInfo, AppSession } from './session.types';
export {
  SessionErrorCode,
  SessionErrors,
  SessionHttpException,
  SessionConfigurationError,
  SessionStoreError,
} from './errors';
export type { SessionErrorBody, SessionOptionProblem } from './errors';
export { SessionService, SESSION_TOKEN_HEADER } from './session.service';
export { isHeaderSession } from './security/header-session';
export type { LoginOptions } from './session.service';
export { SessionHealthService } from './session-health.service';
export { SessionRegistry } from './registry/session-registry.service';
export type { SessionInfo } from './registry/session-registry.service';
export { SessionEvents } from './session-events';
export type {
  SessionEventMap,
  SessionLoginEvent,
  SessionActivityEvent,
  SessionEndEvent,
  SessionEndReason,
} from './session-events';
export { SessionAnalytics } from './analytics/session-analytics.service';
export { DURATION_BUCKETS } from './analytics/session-stats.types';
export type {
  SessionStats,
  SessionFigures,
  DailySessionFigures,
  DurationBucket,
  DurationCounts,
} from './analytics/session-stats.types';
export { SessionFlash } from './data/session-flash';
export type { FlashLimits } from './data/session-flash';
export { SessionHistory } from './data/session-history';
export type { HistoryLimits } from './data/session-history';
export type { PageHistoryOptions } from './data/page-history.recorder';
export { SessionFormDrafts } from './data/session-form-drafts';
export type { FormDraftLimits } from './data/session-form-drafts';
export { SessionPreferences } from './data/session-preferences';
export type { PreferenceLimits, PreferenceMap } from './data/session-preferences';
export { Flash, NavigationHistory, FormDrafts, Preferences } from './data/session-data.decorators';
export type { PreferencesDecoratorOptions } from './data/session-data.decorators';
export type {
  FlashMessage,
  FormDraft,
  PreferenceValue,
  SessionHelperData,
} from './data/session-data.types';
export {
  SESSION_BACKEND,
  SESSION_REGISTRY_BACKEND,
  SESSION_ANALYTICS_BACKEND,
} from './backends/backend';
export type {
  SessionBackend,
  SessionStoreAccess,
  SessionStoreHealth,
  SessionRegistryBackend,
  SessionAnalyticsBackend,
} from './backends/backend';
export type { RegistryEntry } from './backends/session-registry.backend';
export type {
  TrackedSession,
  SessionStartFact,
  SessionActivityFact,
  SessionEndFact,
} from './backends/session-analytics.backend';
export { MergingStore } from './backends/merging.store';
export type {
  SwapResult,
  WriteExpiry,
  ValueChange,
  ValueUpdate,
  SessionRekeyEvent,
} from './backends/merging.store';
export { SessionIdsAtRest } from './security/session-ids-at-rest';
export { MemorySessionStore } from './backends/memory/memory-session.store';
export type { MemorySessionStoreOptions } from './backends/memory/memory-session.store';
export { RedisSessionStore } from './backends/redis/redis-session.store';
export type { RedisSessionStoreOptions } from './backends/redis/redis-session.store';
export type { RedisClientLike } from './backends/redis/redis-client-like';
export { PostgresSessionStore } from './backends/postgres/postgres-session.store';
export type { PostgresSessionStoreOptions } from './backends/postgres/postgres-session.store';
export { postgresSchemaSql } from './backends/postgres/postgres-schema';
export type { PostgresSchemaNames } from './backends/postgres/postgres-schema';
export { Session, SessionUser, SessionId } from './decorators/session.decorator';
export {
  Roles,
  Public,
  SkipCsrf,
  OwnedBy,
  RequireFreshLogin,
  Auth,
} from './decorators/access.decorators';
export { formatSessionGraphQLError } from './graphql/graphql-error.formatter';
export type { FormattedGraphQLError } from './graphql/graphql-error.formatter';
export { errorBodyOf } from './error-body';
export { SessionSockets, SESSION_ENDED_EVENT } from './sockets/session-sockets.service';
export type { SessionSocket, SessionSocketMiddleware } from './sockets/session-socket.types';
export { SessionWsExceptionFilter } from './sockets/session-ws-exception.filter';
export { SessionContextResolver } from './context/session-context.resolver';
export type { SessionRequest, SessionResponse } from './http/node-request';
export type { RequestResponse } from './context/request-of-context';
export { SessionAccessGuard } from './guards/session-access.guard';
export { AuthGuard } from './guards/auth.guard';
export { RolesGuard } from './guards/roles.guard';
export { OwnershipGuard } from './guards/ownership.guard';
export { FreshLoginGuard } from './guards/fresh-login.guard';
export { CsrfGuard } from './guards/csrf.guard';
export { AllowedOrigins } from './security/allowed-origins';
export { sessionCorsOptions, enableSessionCors } from './security/session-cors';
export type { SessionCorsOptions } from './security/session-cors';
export { RoleHierarchy } from './guards/role-hierarchy';
export type { OwnershipResolver } from './guards/ownership-resolver';
