import './session-helper-data.spec-support';
import type { AppSession } from '../session.types';
import { SessionHttpException } from '../errors';
import { SessionFlash } from './session-flash';

function emptySession(): AppSession {
  return {} as AppSession;
}

describe('SessionFlash', () => {
  it('reads messages of a type once', () => {
    const session = emptySession();
    const flash = new SessionFlash(session);
    flash.add('success', 'Saved');
    flash.add('success', 'Sent');
    expect(flash.consume('success')).toEqual(['Saved', 'Sent']);
    expect(flash.consume('success')).toEqual([]);
    expect(session.flash).toBeUndefined();
  });

  it('reads all types once, in the order they were added', () => {
    const session = emptySession();
    const flash = new SessionFlash(session);
    flash.add('info', 'One');
    flash.add('error', 'Two');
    expect(flash.peekAll()).toHaveLength(2);
    expect(flash.consumeAll()).toEqual([
      { type: 'info', message: 'One' },
      { type: 'error', message: 'Two' },
    ]);
    expect(flash.consumeAll()).toEqual([]);
  });

  it('keeps the other types when one is consumed', () => {
    const session = emptySession();
    const flash = new SessionFlash(session);
    flash.add('info', 'One');
    flash.add('error', 'Two');
    flash.consume('info');
    expect(session.flash).toEqual({ error: ['Two'] });
  });

  it('does not touch the session when there is nothing to read', () => {
    const session = emptySession();
    const flash = new SessionFlash(session);
    expect(flash.consume('success')).toEqual([]);
    expect(flash.consumeAll()).toEqual([]);
    expect(Object.keys(session)).toEqual([]);
  });

  it('keeps only the newest messages of a type past the cap', () => {
    const flash = new SessionFlash(emptySession(), { maxPerType: 3 });
    for (const n of [1, 2, 3, 4, 5]) flash.add('info', `m${n}`);
    expect(flash.peek('info')).toEqual(['m3', 'm4', 'm5']);
  });

  it('refuses a message longer than the limit with 413 SESSION_DATA_TOO_LARGE', () => {
    const flash = new SessionFlash(emptySession(), { maxMessageLength: 5 });
    flash.add('info', '12345');
    const error = catchError(() => flash.add('info', '123456'));
    expect(error).toBeInstanceOf(SessionHttpException);
    expect((error as SessionHttpException).getStatus()).toBe(413);
    expect((error as SessionHttpException).code).toBe('SESSION_DATA_TOO_LARGE');
  });

  it('refuses one type more than the cap, but still adds to a type it holds', () => {
    const flash = new SessionFlash(emptySession(), { maxTypes: 2 });
    flash.add('a', 'x');
    flash.add('b', 'x');
    expect(() => flash.add('c', 'x')).toThrow(SessionHttpException);
    expect(() => flash.add('a', 'y')).not.toThrow();
  });

  it('refuses a type that could reach the prototype, and never reads inherited keys', () => {
    const flash = new SessionFlash(emptySession());
    expect(() => flash.add('__proto__', 'x')).toThrow(TypeError);
    expect(() => flash.add('not a type', 'x')).toThrow(TypeError);
    flash.add('info', 'x');
    expect(flash.peek('toString')).toEqual([]);
    expect(flash.consume('hasOwnProperty')).toEqual([]);
  });
});

function catchError(run: () => void): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
