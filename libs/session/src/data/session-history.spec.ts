import './session-helper-data.spec-support';
import type { AppSession } from '../session.types';
import { SessionHttpException } from '../errors';
import { SessionHistory } from './session-history';

describe('SessionHistory', () => {
  it('lists distinct pages, newest first', () => {
    const history = new SessionHistory({} as AppSession);
    for (const page of ['/a', '/b', '/a', '/c']) history.record(page);
    expect(history.pages()).toEqual(['/c', '/a', '/b']);
  });

  it('keeps only the newest pages past the cap', () => {
    const history = new SessionHistory({} as AppSession, { maxPages: 3 });
    for (const page of ['/1', '/2', '/3', '/4', '/5']) history.record(page);
    expect(history.pages()).toEqual(['/5', '/4', '/3']);
  });

  it('changes nothing when the page already is the newest', () => {
    const session = {} as AppSession;
    const history = new SessionHistory(session);
    expect(history.record('/a')).toBe(true);
    const stored = session.history;
    expect(history.record('/a')).toBe(false);
    expect(session.history).toBe(stored);
  });

  it('refuses a path longer than the limit with 413', () => {
    const history = new SessionHistory({} as AppSession, { maxPathLength: 10 });
    expect(() => history.record(`/${'x'.repeat(10)}`)).toThrow(SessionHttpException);
    expect(history.pages()).toEqual([]);
  });

  it('reads a history longer than the cap (set by another configuration) as capped', () => {
    const session = { history: ['/1', '/2', '/3', '/4'] } as AppSession;
    expect(new SessionHistory(session, { maxPages: 2 }).pages()).toEqual(['/1', '/2']);
  });

  it('clears only when there is something to clear', () => {
    const session = {} as AppSession;
    const history = new SessionHistory(session);
    history.clear();
    expect(Object.keys(session)).toEqual([]);
    history.record('/a');
    history.clear();
    expect(session.history).toBeUndefined();
  });
});
