import './session-helper-data.spec-support';
import type { AppSession } from '../session.types';
import { SessionHttpException } from '../errors';
import { SessionFormDrafts } from './session-form-drafts';

function drafts(session = {} as AppSession, limits = {}) {
  let clock = 1000;
  return new SessionFormDrafts(session, limits, () => clock++);
}

describe('SessionFormDrafts', () => {
  it('saves steps, reads the draft and clears it', () => {
    const session = {} as AppSession;
    const forms = drafts(session);
    forms.saveStep('checkout', 1, { name: 'Ada' });
    const draft = forms.saveStep('checkout', 2, { method: 'card' });
    expect(draft.steps).toEqual({ '1': { name: 'Ada' }, '2': { method: 'card' } });
    expect(forms.get('checkout')).toEqual(draft);
    expect(forms.clear('checkout')).toBe(true);
    expect(forms.get('checkout')).toBeUndefined();
    expect(session.forms).toBeUndefined();
    expect(forms.clear('checkout')).toBe(false);
  });

  it('hands out copies, so changing one does not change the session', () => {
    const forms = drafts();
    forms.saveStep('f', 1, { a: 1 });
    const copy = forms.get('f');
    (copy as { steps: Record<string, Record<string, unknown>> }).steps['1'].a = 2;
    expect(forms.get('f')?.steps['1']).toEqual({ a: 1 });
  });

  it('changes nothing when a step is saved with the data it holds', () => {
    const session = {} as AppSession;
    const forms = drafts(session);
    forms.saveStep('f', 1, { a: 1 });
    const stored = session.forms;
    forms.saveStep('f', 1, { a: 1 });
    expect(session.forms).toBe(stored);
  });

  it('drops the least recently changed draft when the cap is reached', () => {
    const forms = drafts({} as AppSession, { maxForms: 2 });
    forms.saveStep('first', 1, {});
    forms.saveStep('second', 1, {});
    forms.saveStep('first', 2, {});
    forms.saveStep('third', 1, {});
    expect(forms.formIds().sort()).toEqual(['first', 'third']);
  });

  it('refuses one step more than the cap with 413', () => {
    const forms = drafts({} as AppSession, { maxSteps: 2 });
    forms.saveStep('f', 1, {});
    forms.saveStep('f', 2, {});
    expect(() => forms.saveStep('f', 3, {})).toThrow(SessionHttpException);
    expect(() => forms.saveStep('f', 2, { again: true })).not.toThrow();
  });

  it('refuses a draft larger than the limit with 413 and keeps the previous one', () => {
    const forms = drafts({} as AppSession, { maxDraftBytes: 200 });
    forms.saveStep('f', 1, { note: 'short' });
    expect(() => forms.saveStep('f', 2, { note: 'x'.repeat(200) })).toThrow(
      expect.objectContaining({ code: 'SESSION_DATA_TOO_LARGE' }),
    );
    expect(Object.keys(forms.get('f')?.steps ?? {})).toEqual(['1']);
  });

  it('refuses form ids and steps that are not short identifiers', () => {
    const forms = drafts();
    expect(() => forms.saveStep('__proto__', 1, {})).toThrow(TypeError);
    expect(() => forms.saveStep('a/b', 1, {})).toThrow(TypeError);
    expect(() => forms.saveStep('f', 'constructor', {})).toThrow(TypeError);
    expect(forms.get('constructor')).toBeUndefined();
  });
});
