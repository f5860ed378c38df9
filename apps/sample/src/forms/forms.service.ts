import { Injectable } from '@nestjs/common';
import type { FormDraft, SessionFormDrafts } from 'nest-session-kit';
import { findFormDefinition, type FormDefinition } from './form-definitions';
import type { FormDraftDto, FormSubmissionDto } from './forms.dto';
import { FormErrors } from './forms.errors';

/** The sample's multi-step forms, drafted in the session until they are submitted. */
@Injectable()
export class FormsService {
  saveStep(
    drafts: SessionFormDrafts,
    formId: string,
    step: number,
    data: Record<string, unknown>,
  ): FormDraftDto {
    const form = this.formOf(formId);
    if (step > form.steps.length) throw FormErrors.stepOutOfRange(form.steps.length);
    return toDto(form, drafts.saveStep(form.id, step, data));
  }

  get(drafts: SessionFormDrafts, formId: string): FormDraftDto {
    const form = this.formOf(formId);
    const draft = drafts.get(form.id);
    if (!draft) throw FormErrors.draftNotFound();
    return toDto(form, draft);
  }

  discard(drafts: SessionFormDrafts, formId: string): FormDraftDto {
    const discarded = this.get(drafts, formId);
    drafts.clear(formId);
    return discarded;
  }

  submit(drafts: SessionFormDrafts, formId: string): FormSubmissionDto {
    const form = this.formOf(formId);
    const draft = drafts.get(form.id);
    const saved = new Set(Object.keys(draft?.steps ?? {}));
    const missing = form.steps.map((_, i) => i + 1).filter((step) => !saved.has(String(step)));
    if (!draft || missing.length > 0) throw FormErrors.incomplete(missing);
    drafts.clear(form.id);
    return { formId: form.id, submittedAt: Date.now(), steps: draft.steps };
  }

  private formOf(formId: string): FormDefinition {
    const form = findFormDefinition(formId);
    if (!form) throw FormErrors.formNotFound();
    return form;
  }
}

function toDto(form: FormDefinition, draft: FormDraft): FormDraftDto {
  const completedSteps = Object.keys(draft.steps)
    .map(Number)
    .sort((a, b) => a - b);
  return {
    formId: form.id,
    totalSteps: form.steps.length,
    completedSteps,
    steps: draft.steps,
    updatedAt: draft.updatedAt,
  };
}
