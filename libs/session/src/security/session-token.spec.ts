import { signSessionId, unsignSessionId } from './session-token';

describe('session tokens', () => {
  it('round-trips a session id through any of the secrets', () => {
    const token = signSessionId('abc-123_XYZ', 'old-secret');
    expect(unsignSessionId(token, ['old-secret'])).toBe('abc-123_XYZ');
    expect(unsignSessionId(token, ['new-secret', 'old-secret'])).toBe('abc-123_XYZ');
  });

  it('refuses another secret, a changed id or signature, and malformed tokens', () => {
    const token = signSessionId('abc', 'secret');
    expect(unsignSessionId(token, ['other'])).toBeUndefined();
    expect(unsignSessionId(token.replace('abc', 'abd'), ['secret'])).toBeUndefined();
    expect(unsignSessionId(`${token}x`, ['secret'])).toBeUndefined();
    for (const bad of ['', '.', 'abc', '.sig', 'abc.']) {
      expect(unsignSessionId(bad, ['secret'])).toBeUndefined();
    }
  });
});
