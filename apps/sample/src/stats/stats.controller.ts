import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthGuard, Roles, RolesGuard, SessionAnalytics } from 'nest-session-kit';
import { ApiError, ApiErrorDto } from '../common/api-error.docs';
import { SessionStatsDto, StatsQueryDto } from './stats.dto';

@ApiTags('admin')
@Controller('admin/stats')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
export class StatsController {
  constructor(private readonly analytics: SessionAnalytics) {}

  @Get()
  @ApiOperation({ summary: 'Session analytics of the last days (admin and above)' })
  @ApiOkResponse({ type: SessionStatsDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED: days not 1 to 30' })
  @ApiError(401, ['AUTH_REQUIRED'], 'not signed in')
  @ApiError(403, ['INSUFFICIENT_PERMISSIONS'], 'not an admin; `requiredRoles`, `userRoles`')
  @ApiError(503, ['SESSION_STORE_UNAVAILABLE'], 'Redis does not answer')
  stats(@Query() query: StatsQueryDto): Promise<SessionStatsDto> {
    return this.analytics.getStats(query.days ?? 7);
  }
}
