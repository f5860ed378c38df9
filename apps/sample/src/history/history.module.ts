import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HistoryController } from './history.controller';
import { PageHistoryInterceptor } from './page-history.interceptor';

@Module({
  controllers: [HistoryController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: PageHistoryInterceptor }],
})
export class HistoryModule {}
