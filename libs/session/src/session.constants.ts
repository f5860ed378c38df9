import { Inject } from '@nestjs/common';

/** The resolved `ResolvedSessionOptions`, defaults applied and validated. */
export const SESSION_OPTIONS = Symbol('SESSION_OPTIONS');
/** The express-session `Store` the module uses. */
export const SESSION_STORE = Symbol('SESSION_STORE');
/** The node-redis client behind the Redis store, or null on other stores. */
export const SESSION_REDIS_CLIENT = Symbol('SESSION_REDIS_CLIENT');
/** The PostgreSQL backend's node-postgres pool, or null on other backends. */
export const SESSION_POSTGRES_POOL = Symbol('SESSION_POSTGRES_POOL');

export const InjectSessionOptions = (): ParameterDecorator => Inject(SESSION_OPTIONS);
export const InjectSessionStore = (): ParameterDecorator => Inject(SESSION_STORE);
export const InjectSessionRedisClient = (): ParameterDecorator => Inject(SESSION_REDIS_CLIENT);
export const InjectSessionPostgresPool = (): ParameterDecorator => Inject(SESSION_POSTGRES_POOL);
