import { Injectable, Module } from '@nestjs/common';
import {
  SessionModule,
  type SessionModuleOptions,
  type SessionOptionsFactory,
} from 'nest-session-kit';
import { AppController } from './app.controller';

@Injectable()
export class SessionConfig implements SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions {
    return {
      secret: 'a-consumer-secret-that-is-long-enough-0123456789',
      store: { type: 'memory', maxSessions: 1000 },
      idleTimeout: 15 * 60_000,
    };
  }
}

@Module({
  imports: [SessionModule.forRootAsync({ useClass: SessionConfig })],
  controllers: [AppController],
})
export class AppModule {}
