import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SESSION_REDIS_CLIENT, type RedisClientLike } from 'nest-session-kit';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { TotpVerifier } from './mfa/totp-verifier';
import { SessionsController } from './sessions.controller';
import { ATTEMPT_COUNTER } from './throttling/attempt-counter';
import { LoginThrottle } from './throttling/login-throttle.service';
import { MemoryAttemptCounter } from './throttling/memory-attempt-counter';
import { RedisAttemptCounter } from './throttling/redis-attempt-counter';

@Module({
  imports: [UsersModule],
  controllers: [AuthController, SessionsController],
  providers: [
    AuthService,
    LoginThrottle,
    TotpVerifier,
    {
      provide: ATTEMPT_COUNTER,
      inject: [SESSION_REDIS_CLIENT, ConfigService],
      useFactory: (redis: RedisClientLike | null, config: ConfigService) =>
        redis
          ? new RedisAttemptCounter(redis, config.get<string>('SESSION_PREFIX') ?? 'sess:')
          : new MemoryAttemptCounter(),
    },
  ],
})
export class AuthModule {}
