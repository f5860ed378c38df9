import type { RedisClientType } from 'redis';
import { Module } from '@nestjs/common';
import type { Store } from 'express-session';
import { ConfigService } from '@nestjs/config';
import {
  RedisSessionStore,
  SESSION_POSTGRES_POOL,
  SESSION_REDIS_CLIENT,
  SESSION_STORE,
  type PostgresPoolLike,
} from 'nest-session-kit';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { TotpVerifier } from './mfa/totp-verifier';
import { SessionsController } from './sessions.controller';
import { AUTH_STATE_STORE } from './state/auth-state.store';
import { LoginThrottle } from './state/login-throttle.service';
import { MemoryAuthStateStore } from './state/memory-auth-state.store';
import { PostgresAuthStateStore } from './state/postgres-auth-state.store';
import { RedisAuthStateStore } from './state/redis-auth-state.store';

@Module({
  imports: [UsersModule],
  controllers: [AuthController, SessionsController],
  exports: [AuthService],
  providers: [
    AuthService,
    LoginThrottle,
    TotpVerifier,
    {
      provide: AUTH_STATE_STORE,
      inject: [SESSION_REDIS_CLIENT, SESSION_POSTGRES_POOL, SESSION_STORE, ConfigService],
      useFactory: (
        redis: RedisClientType | null,
        pool: PostgresPoolLike | null,
        store: Store,
        config: ConfigService,
      ) => {
        if (redis && store instanceof RedisSessionStore) {
          return new RedisAuthStateStore(redis, `${store.metaPrefix}auth:`);
        }
        if (pool)
          return new PostgresAuthStateStore(pool, config.get('DATABASE_SCHEMA') || 'public');
        return new MemoryAuthStateStore();
      },
    },
  ],
})
export class AuthModule {}
