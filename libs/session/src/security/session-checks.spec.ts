import { applySessionDefaults, type SessionModuleOptions } from '../session.options';
import type { SessionAuthInfo } from '../session.types';
import { activityWindow, findViolation, isRotationDue, type RequestFacts } from './session-checks';

const options = (extra: Partial<SessionModuleOptions> = {}) =>
  applySessionDefaults({ secret: 'x'.repeat(32), ...extra });

const auth: SessionAuthInfo = {
  createdAt: 0,
  authenticatedAt: 0,
  lastActivityAt: 0,
  rotatedAt: 0,
  ip: '10.0.0.1',
  userAgent: 'Browser/1',
};

function facts(now: number, ip = '10.0.0.1', userAgent = 'Browser/1') {
  const asked = { ip: 0, userAgent: 0 };
  const value: RequestFacts = {
    now,
    ip: () => (asked.ip++, ip),
    userAgent: () => (asked.userAgent++, userAgent),
  };
  return { value, asked };
}

describe('findViolation', () => {
  it('passes a fresh session without reading the IP or user agent when nothing is bound', () => {
    const { value, asked } = facts(1000, 'elsewhere', 'Other/2');
    expect(findViolation(auth, value, options())).toBeUndefined();
    expect(asked).toEqual({ ip: 0, userAgent: 0 });
  });

  it('answers SESSION_EXPIRED past the absolute lifetime, before the idle check', () => {
    const violation = findViolation(
      auth,
      facts(5001).value,
      options({ absoluteTimeout: 5000, idleTimeout: 1000 }),
    );
    expect(violation?.reason).toBe('expired');
    expect(violation?.error.code).toBe('SESSION_EXPIRED');
  });

  it('answers SESSION_TIMEOUT past the idle timeout, and not at it', () => {
    expect(findViolation(auth, facts(1000).value, options({ idleTimeout: 1000 }))).toBeUndefined();
    expect(findViolation(auth, facts(1001).value, options({ idleTimeout: 1000 }))?.error.code).toBe(
      'SESSION_TIMEOUT',
    );
  });

  it('ignores turned-off timeouts', () => {
    const far = facts(10 ** 12).value;
    expect(
      findViolation(auth, far, options({ idleTimeout: false, absoluteTimeout: false })),
    ).toBeUndefined();
  });

  it('answers IP_MISMATCH and USER_AGENT_MISMATCH only when bound', () => {
    expect(
      findViolation(auth, facts(1, '10.0.0.2').value, options({ bindIp: true }))?.error.code,
    ).toBe('IP_MISMATCH');
    expect(
      findViolation(auth, facts(1, '10.0.0.1', 'Other/2').value, options({ bindUserAgent: true }))
        ?.error.code,
    ).toBe('USER_AGENT_MISMATCH');
    expect(
      findViolation(auth, facts(1).value, options({ bindIp: true, bindUserAgent: true })),
    ).toBeUndefined();
  });
});

describe('activityWindow', () => {
  it('is the resolution, or a tenth of the idle timeout when that is shorter', () => {
    expect(activityWindow(options())).toBe(60_000);
    expect(activityWindow(options({ idleTimeout: 1000 }))).toBe(100);
    expect(activityWindow(options({ idleTimeout: false, activityResolution: 5000 }))).toBe(5000);
  });
});

describe('isRotationDue', () => {
  it('is due once rotateEvery has passed since the last rotation, never when off', () => {
    expect(isRotationDue(auth, 999, options({ rotateEvery: 1000 }))).toBe(false);
    expect(isRotationDue(auth, 1001, options({ rotateEvery: 1000 }))).toBe(true);
    expect(isRotationDue(auth, 10 ** 12, options())).toBe(false);
  });
});
