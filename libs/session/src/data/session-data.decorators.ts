import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { SessionFlash, type FlashLimits } from './session-flash';
import { SessionHistory, type HistoryLimits } from './session-history';
import { SessionFormDrafts, type FormDraftLimits } from './session-form-drafts';
import {
  SessionPreferences,
  type PreferenceLimits,
  type PreferenceMap,
} from './session-preferences';
import { decoratedRequestOf } from '../context/session-context.resolver';

function requestOf(ctx: ExecutionContext): Request {
  return decoratedRequestOf(ctx).req ?? ({} as Request);
}

/** The request's flash messages: `@Flash() flash: SessionFlash`. */
export const Flash = createParamDecorator<FlashLimits | undefined>((limits, ctx) =>
  SessionFlash.of(requestOf(ctx), limits),
);

/** The request's navigation history: `@NavigationHistory() history: SessionHistory`. */
export const NavigationHistory = createParamDecorator<HistoryLimits | undefined>((limits, ctx) =>
  SessionHistory.of(requestOf(ctx), limits),
);

/** The request's form drafts: `@FormDrafts() drafts: SessionFormDrafts`. */
export const FormDrafts = createParamDecorator<FormDraftLimits | undefined>((limits, ctx) =>
  SessionFormDrafts.of(requestOf(ctx), limits),
);

export interface PreferencesDecoratorOptions<
  T extends PreferenceMap = PreferenceMap,
> extends PreferenceLimits {
  defaults: T;
}

/**
 * The request's preferences with their defaults:
 * `@Preferences({ defaults: DEFAULTS }) preferences: SessionPreferences<typeof DEFAULTS>`.
 */
export const Preferences = createParamDecorator<PreferencesDecoratorOptions>((options, ctx) =>
  SessionPreferences.of(requestOf(ctx), options.defaults, options),
);
