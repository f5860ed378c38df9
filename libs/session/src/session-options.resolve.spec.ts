import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SessionConfigurationError } from './errors';
import { resolveSessionOptions } from './session-options.resolve';
import type { SessionModuleOptions } from './session.options';

const SECRET = 'a-secret-that-is-long-enough-for-production-0123';

function errorOf(options: Record<string, unknown>): SessionConfigurationError {
  try {
    resolveSessionOptions(options as SessionModuleOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(SessionConfigurationError);
    return err as SessionConfigurationError;
  }
  throw new Error('expected a SessionConfigurationError');
}

describe('resolveSessionOptions', () => {
  it('makes up one random secret per process in development, with one warning', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const first = resolveSessionOptions({}).secret;
    const second = resolveSessionOptions({ production: false }).secret;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toEqual(first);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/restart/);
    warn.mockRestore();
  });

  it('requires a secret in production', () => {
    const err = errorOf({ production: true, store: { type: 'redis', url: 'redis://h:6379' } });
    expect(err.option).toBe('secret');
    expect(err.message).toMatch(/required in production/);
  });

  it('refuses an unknown option, naming it and the option it nearly is', () => {
    const err = errorOf({ secret: SECRET, idleTimout: 60_000 });
    expect(err.option).toBe('idleTimout');
    expect(err.message).toContain('"idleTimout"');
    expect(err.message).toContain('did you mean "idleTimeout"?');
  });

  it('refuses unknown keys inside cookie, csrf, store and pageHistory', () => {
    const err = errorOf({
      secret: SECRET,
      cookie: { sameSIte: 'lax' },
      csrf: { headerNmae: 'x-token' },
      store: { type: 'redis', url: 'redis://h:6379', prefx: 'app:' },
      pageHistory: { maxPage: 5 },
    });
    expect(err.problems.map((p) => p.option)).toEqual([
      'cookie.sameSIte',
      'csrf.headerNmae',
      'pageHistory.maxPage',
      'store.prefx',
    ]);
    expect(err.message).toContain('did you mean "cookie.sameSite"?');
    expect(err.message).toContain('did you mean "store.prefix"?');
  });

  it('names misspelt PostgreSQL store and prune keys, with the key meant', () => {
    const err = errorOf({
      secret: SECRET,
      store: {
        type: 'postgres',
        connectionString: 'postgres://h/db',
        tabel: 'sessions',
        prune: { intervall: 5000 },
      },
    });
    expect(err.problems.map((p) => p.option)).toEqual(['store.tabel', 'store.prune.intervall']);
    expect(err.message).toContain('did you mean "store.table"?');
    expect(err.message).toContain('did you mean "store.prune.interval"?');
  });

  it('names an unknown key that is near nothing without a suggestion', () => {
    const err = errorOf({ secret: SECRET, somethingElseEntirely: true });
    expect(err.message).toContain('"somethingElseEntirely": is not an option');
    expect(err.message).not.toContain('did you mean');
  });

  it('reports every invalid option at once, on one line', () => {
    const err = errorOf({
      production: true,
      secret: 'short',
      store: { type: 'memory' },
      idleTimeout: -5,
      cookie: { sameSite: 'sometimes' },
      bindIp: 'yes',
    });
    expect(err.problems.map((p) => p.option).sort()).toEqual(
      ['bindIp', 'cookie.sameSite', 'idleTimeout', 'secret', 'store'].sort(),
    );
    expect(err.message).toMatch(/^nest-session-kit: 5 invalid options: /);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain('short');
  });

  it('accepts csrf: false as CSRF protection turned off', () => {
    expect(resolveSessionOptions({ secret: SECRET, csrf: false }).csrf.enabled).toBe(false);
    expect(resolveSessionOptions({ secret: SECRET }).csrf.enabled).toBe(true);
  });
});
