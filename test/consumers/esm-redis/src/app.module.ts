import { Module, type DynamicModule } from '@nestjs/common';
import { SessionModule } from 'nest-session-kit';
import { AppController } from './app.controller.js';

@Module({})
export class AppModule {
  static forRedis(url: string, prefix: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SessionModule.forRoot({
          secret: ['a-consumer-secret-that-is-long-enough-0123456789'],
          store: { type: 'redis', url, prefix },
          maxSessionsPerUser: 3,
        }),
      ],
      controllers: [AppController],
    };
  }
}
