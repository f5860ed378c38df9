import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { sessionCorsOptions } from './session-cors';
import { AllowedOrigins } from './allowed-origins';

const csrf = (allowedOrigins: string[], headerName = 'x-csrf-token') => ({
  csrf: { enabled: true, allowedOrigins, headerName, fieldName: '_csrf' },
});

function originFor(cors: CorsOptions, requestOrigin: string | undefined): unknown {
  let answer: unknown;
  (cors.origin as (o: string | undefined, cb: (e: Error | null, v?: unknown) => void) => void)(
    requestOrigin,
    (err, value) => {
      if (err) throw err;
      answer = value;
    },
  );
  return answer;
}

describe('sessionCorsOptions', () => {
  it('echoes a listed origin and refuses every other one, never with a wildcard', () => {
    const cors = sessionCorsOptions(csrf(['https://app.example.com/']));
    expect(originFor(cors, 'https://app.example.com')).toBe('https://app.example.com');
    for (const other of ['https://evil.example', 'null', '*', undefined]) {
      expect(originFor(cors, other)).toBe(false);
    }
    expect(cors.credentials).toBe(true);
  });

  it('allows the configured CSRF header name and the extra headers asked for', () => {
    const cors = sessionCorsOptions(csrf([], 'x-xsrf'), { allowedHeaders: ['X-Request-Id'] });
    expect(cors.allowedHeaders).toEqual(
      expect.arrayContaining(['content-type', 'x-xsrf', 'x-request-id']),
    );
    expect(cors.allowedHeaders).not.toContain('x-csrf-token');
  });

  it('allows the header-session header only when header sessions are on', () => {
    const off = sessionCorsOptions(csrf([]));
    expect(off.allowedHeaders).not.toContain('authorization');
    const on = sessionCorsOptions({
      ...csrf([]),
      headerSessions: { enabled: true, headerName: 'authorization', scheme: 'Bearer' },
    });
    expect(on.allowedHeaders).toContain('authorization');
  });

  it('takes the max age, methods and exposed headers given', () => {
    const cors = sessionCorsOptions(csrf([]), {
      maxAge: 60,
      methods: ['GET', 'POST'],
      exposedHeaders: [],
    });
    expect(cors).toMatchObject({ maxAge: 60, methods: ['GET', 'POST'], exposedHeaders: [] });
  });
});

describe('AllowedOrigins', () => {
  it('matches origins whatever the case of the scheme and host, not their paths or ports', () => {
    const origins = new AllowedOrigins(['http://localhost:5173']);
    expect(origins.includes('HTTP://LOCALHOST:5173')).toBe(true);
    expect(origins.includes('http://localhost:5174')).toBe(false);
    expect(origins.includes('http://localhost')).toBe(false);
    expect(origins.includes(undefined)).toBe(false);
  });
});
