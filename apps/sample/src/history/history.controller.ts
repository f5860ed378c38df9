import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NavigationHistory, SessionHistory } from 'nest-session-kit';
import { HistoryDto } from './history.dto';
import { HISTORY_SIZE } from './pages';

@ApiTags('history')
@Controller('history')
export class HistoryController {
  @Get()
  @ApiOperation({ summary: 'The last distinct pages visited, newest first' })
  @ApiOkResponse({ type: HistoryDto })
  show(@NavigationHistory({ maxPages: HISTORY_SIZE }) history: SessionHistory): HistoryDto {
    return { pages: history.pages() };
  }
}
