import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DurationBucket } from 'nest-session-kit';
import { DecimalInt } from '../common/decimal-int.transform';

export class StatsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 30, default: 7, description: 'Days, today included' })
  @IsOptional()
  @DecimalInt()
  @IsInt()
  @Min(1)
  @Max(30)
  days?: number;
}

/** Sessions ended, by length in minutes. */
export class DurationCountsDto implements Record<DurationBucket, number> {
  @ApiProperty({ description: 'Under a minute' })
  '0-1m'!: number;

  @ApiProperty()
  '1-5m'!: number;

  @ApiProperty()
  '5-15m'!: number;

  @ApiProperty()
  '15-30m'!: number;

  @ApiProperty()
  '30-60m'!: number;

  @ApiProperty({ description: 'An hour or more' })
  '60m+'!: number;
}

const countriesSchema = {
  type: 'object',
  additionalProperties: { type: 'number' },
  example: { FR: 3, unknown: 1 },
  description: "Sessions started, by country (ISO alpha-2 from CF-IPCountry, or 'unknown')",
} as const;

export class SessionFiguresDto {
  @ApiProperty({ description: 'Distinct users who signed in or used a session' })
  activeUsers!: number;

  @ApiProperty({ description: 'Authenticated sessions started' })
  sessionsStarted!: number;

  @ApiProperty({ description: 'Successful sign-ins' })
  logins!: number;

  @ApiProperty({ type: DurationCountsDto })
  sessionDurations!: DurationCountsDto;

  @ApiProperty(countriesSchema)
  countries!: Record<string, number>;
}

export class DailySessionFiguresDto extends SessionFiguresDto {
  @ApiProperty({ example: '2025-03-02', description: 'UTC day' })
  date!: string;
}

export class SessionStatsDto {
  @ApiProperty({ example: '2025-02-24' })
  from!: string;

  @ApiProperty({ example: '2025-03-02' })
  to!: string;

  @ApiProperty({ description: 'Sessions used within the idle timeout, now' })
  activeSessions!: number;

  @ApiProperty({ type: SessionFiguresDto, description: 'The whole period' })
  totals!: SessionFiguresDto;

  @ApiProperty({ type: [DailySessionFiguresDto], description: 'One entry per day, oldest first' })
  daily!: DailySessionFiguresDto[];
}
