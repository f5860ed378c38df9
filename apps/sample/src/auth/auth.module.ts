import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SESSION_REDIS_CLIENT, type RedisClientLike } from 'nest-session-kit';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { TotpVerifier } from './mfa/totp-verifier';
import { SessionsController } from './sessions.controller';
import { AUTH_STATE_STORE } from './state/auth-state.store';
import { LoginThrottle } from './state/login-throttle.service';
import { MemoryAuthStateStore } from './state/memory-auth-state.store';
import { RedisAuthStateStore } from './state/redis-auth-state.store';

@Module({
  imports: [UsersModule],
  controllers: [AuthController, SessionsController],
  providers: [
    AuthService,
    LoginThrottle,
    TotpVerifier,
    {
      provide: AUTH_STATE_STORE,
      inject: [SESSION_REDIS_CLIENT, ConfigService],
      useFactory: (redis: RedisClientLike | null, config: ConfigService) =>
        redis
          ? new RedisAuthStateStore(redis, config.get<string>('SESSION_PREFIX') ?? 'sess:')
          : new MemoryAuthStateStore(),
    },
  ],
})
export class AuthModule {}
