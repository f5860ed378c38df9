import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Preferences, SessionPreferences } from 'nest-session-kit';
import { ApiErrorDto } from '../common/api-error.docs';
import { DEFAULT_PREFERENCES, type AppPreferences } from './preferences';
import { PreferencesDto, UpdatePreferencesDto } from './preferences.dto';

const SamplePreferences = () => Preferences({ defaults: DEFAULT_PREFERENCES });

@ApiTags('preferences')
@Controller('preferences')
export class PreferencesController {
  @Get()
  @ApiOperation({ summary: 'The preferences (defaults for what was never set)' })
  @ApiOkResponse({ type: PreferencesDto })
  show(@SamplePreferences() preferences: SessionPreferences<AppPreferences>): PreferencesDto {
    return preferences.get();
  }

  @Put()
  @ApiOperation({ summary: 'Changes the given preferences; the others stay as they are' })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED' })
  update(
    @SamplePreferences() preferences: SessionPreferences<AppPreferences>,
    @Body() body: UpdatePreferencesDto,
  ): PreferencesDto {
    return preferences.set(body);
  }
}
