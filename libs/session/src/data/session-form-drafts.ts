import type { Request } from 'express';
import { SessionErrors } from '../errors';
import type { AppSession } from '../session.types';
import { assertFits, assertSafeKey, requireSession, sameJson } from './session-data.guards';
import type { FormDraft, SessionHelperData } from './session-data.types';

export interface FormDraftLimits {
  /** Drafts kept at once; saving one more drops the least recently changed. @default 5 */
  maxForms?: number;
  /** Steps in one draft; one more is refused with 413. @default 20 */
  maxSteps?: number;
  /** Size of one draft as JSON; a step that makes it larger is refused with 413. @default 16384 */
  maxDraftBytes?: number;
}

/**
 * Multi-step form drafts at `session.forms`, by form id: save a step, read the draft, clear it.
 * Steps are kept by step key, so two tabs saving different steps both keep theirs. Saving a step
 * with the data it already holds changes nothing.
 */
export class SessionFormDrafts {
  private readonly maxForms: number;
  private readonly maxSteps: number;
  private readonly maxDraftBytes: number;

  private readonly session: AppSession & SessionHelperData;

  constructor(
    session: AppSession,
    limits: FormDraftLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.session = session as AppSession & SessionHelperData;
    this.maxForms = limits.maxForms ?? 5;
    this.maxSteps = limits.maxSteps ?? 20;
    this.maxDraftBytes = limits.maxDraftBytes ?? 16_384;
  }

  static of(req: Request, limits?: FormDraftLimits): SessionFormDrafts {
    return new SessionFormDrafts(requireSession(req), limits);
  }

  /** Saves the data of one step and returns the draft. */
  saveStep(formId: string, step: string | number, data: Record<string, unknown>): FormDraft {
    assertSafeKey('form id', formId);
    const stepKey = String(step);
    assertSafeKey('form step', stepKey);
    const current = this.get(formId);
    if (
      current &&
      Object.hasOwn(current.steps, stepKey) &&
      sameJson(current.steps[stepKey], data)
    ) {
      return current;
    }
    const steps = { ...current?.steps, [stepKey]: structuredClone(data) };
    if (Object.keys(steps).length > this.maxSteps) {
      throw SessionErrors.dataTooLarge(`The draft of form "${formId}"`, `${this.maxSteps} steps`);
    }
    const draft: FormDraft = { steps, updatedAt: this.now() };
    assertFits(`The draft of form "${formId}"`, draft, this.maxDraftBytes);
    this.session.forms = { ...this.withRoomFor(formId), [formId]: draft };
    return structuredClone(draft);
  }

  /** The draft of a form, or undefined when none was saved. */
  get(formId: string): FormDraft | undefined {
    const forms = this.session.forms;
    if (!forms || !Object.hasOwn(forms, formId)) return undefined;
    return structuredClone(forms[formId]);
  }

  /** The ids of the forms with a draft. */
  formIds(): string[] {
    return Object.keys(this.session.forms ?? {});
  }

  /** Removes a form's draft; false when there was none. */
  clear(formId: string): boolean {
    const forms = this.session.forms;
    if (!forms || !Object.hasOwn(forms, formId)) return false;
    const { [formId]: _cleared, ...rest } = forms;
    if (Object.keys(rest).length > 0) this.session.forms = rest;
    else delete this.session.forms;
    return true;
  }

  /** The other drafts, less the least recently changed ones when the cap is reached. */
  private withRoomFor(formId: string): Record<string, FormDraft> {
    const others = Object.entries(this.session.forms ?? {}).filter(([id]) => id !== formId);
    others.sort(([, a], [, b]) => b.updatedAt - a.updatedAt);
    return Object.fromEntries(others.slice(0, this.maxForms - 1));
  }
}
