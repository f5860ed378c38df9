import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { FormDrafts, SessionFormDrafts } from 'nest-session-kit';
import { ApiError, ApiErrorDto } from '../common/api-error.docs';
import { FORM_IDS } from './form-definitions';
import { FormDraftDto, FormSubmissionDto, SaveFormStepDto } from './forms.dto';
import { FormsService } from './forms.service';

@ApiTags('forms')
@Controller('forms/:formId')
@ApiParam({ name: 'formId', enum: FORM_IDS })
@ApiError(404, ['FORM_NOT_FOUND'], 'no such form')
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Put()
  @ApiOperation({ summary: "Saves one step of the form's draft" })
  @ApiOkResponse({ type: FormDraftDto })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: 'VALIDATION_FAILED (step out of range)',
  })
  @ApiError(413, ['SESSION_DATA_TOO_LARGE'], 'the draft would exceed 16 KB')
  save(
    @FormDrafts() drafts: SessionFormDrafts,
    @Param('formId') formId: string,
    @Body() body: SaveFormStepDto,
  ): FormDraftDto {
    return this.forms.saveStep(drafts, formId, body.step, body.data);
  }

  @Get()
  @ApiOperation({ summary: "The form's draft" })
  @ApiOkResponse({ type: FormDraftDto })
  @ApiError(404, ['FORM_DRAFT_NOT_FOUND'], 'nothing saved for this form yet')
  show(@FormDrafts() drafts: SessionFormDrafts, @Param('formId') formId: string): FormDraftDto {
    return this.forms.get(drafts, formId);
  }

  @Delete()
  @ApiOperation({ summary: "Discards the form's draft and returns what it held" })
  @ApiOkResponse({ type: FormDraftDto })
  @ApiError(404, ['FORM_DRAFT_NOT_FOUND'], 'nothing saved for this form yet')
  discard(@FormDrafts() drafts: SessionFormDrafts, @Param('formId') formId: string): FormDraftDto {
    return this.forms.discard(drafts, formId);
  }

  @Post('submit')
  @ApiOperation({ summary: 'Submits the form; its draft is cleared' })
  @ApiCreatedResponse({ type: FormSubmissionDto })
  @ApiError(400, ['FORM_INCOMPLETE'], 'a step is missing; `missingSteps` lists them')
  submit(
    @FormDrafts() drafts: SessionFormDrafts,
    @Param('formId') formId: string,
  ): FormSubmissionDto {
    return this.forms.submit(drafts, formId);
  }
}
