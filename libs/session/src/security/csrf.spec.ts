import { csrfTokensMatch, newCsrfToken } from './csrf';

describe('newCsrfToken', () => {
  it('is 32 random bytes in base64url, different each time', () => {
    const a = newCsrfToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newCsrfToken()).not.toBe(a);
  });
});

describe('csrfTokensMatch', () => {
  const token = newCsrfToken();

  it('matches the same token', () => {
    expect(csrfTokensMatch(token, token)).toBe(true);
    expect(csrfTokensMatch(`${token}`, token.slice(0))).toBe(true);
  });

  it('refuses a different token of the same length', () => {
    const other = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(csrfTokensMatch(other, token)).toBe(false);
  });

  it('refuses a token of another length without throwing', () => {
    expect(csrfTokensMatch(token.slice(1), token)).toBe(false);
    expect(csrfTokensMatch(token + 'A', token)).toBe(false);
    expect(csrfTokensMatch('', token)).toBe(false);
  });

  it('refuses same character count but another byte length without throwing', () => {
    const wide = 'é'.repeat(token.length);
    expect(wide.length).toBe(token.length);
    expect(() => csrfTokensMatch(wide, token)).not.toThrow();
    expect(csrfTokensMatch(wide, token)).toBe(false);
  });

  it('refuses when either side is missing or not a string', () => {
    expect(csrfTokensMatch(undefined, token)).toBe(false);
    expect(csrfTokensMatch(token, undefined)).toBe(false);
    expect(csrfTokensMatch([token], token)).toBe(false);
    expect(csrfTokensMatch(token, 42)).toBe(false);
  });

  it('never matches an empty expected token, even an empty presented one', () => {
    expect(csrfTokensMatch('', '')).toBe(false);
  });
});
