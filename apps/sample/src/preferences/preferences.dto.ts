import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { THEMES, type AppPreferences } from './preferences';

export class UpdatePreferencesDto implements Partial<AppPreferences> {
  @ApiPropertyOptional({ enum: THEMES })
  @IsOptional()
  @IsIn(THEMES)
  theme?: AppPreferences['theme'];

  @ApiPropertyOptional({ description: 'A language tag such as en or pt-BR', example: 'fr' })
  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/, {
    message: 'language must be a language tag such as en or pt-BR',
  })
  language?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, example: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class PreferencesDto implements AppPreferences {
  @ApiProperty({ enum: THEMES, example: 'system' })
  theme!: AppPreferences['theme'];

  @ApiProperty({ example: 'en' })
  language!: string;

  @ApiProperty({ example: 20 })
  pageSize!: number;
}
