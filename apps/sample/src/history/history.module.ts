import { Module } from '@nestjs/common';
import { HistoryController } from './history.controller';

/** GET /history; the pages are recorded by SessionModule's `pageHistory` (see pages.ts). */
@Module({
  controllers: [HistoryController],
})
export class HistoryModule {}
