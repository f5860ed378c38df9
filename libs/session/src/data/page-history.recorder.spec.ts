import { jest } from '@jest/globals';
import type { Request, Response } from 'express';
import { markNewSession } from '../security/session-origin';
import { PageHistoryRecorder, type PageHistoryOptions } from './page-history.recorder';

interface FakeExchange {
  req: Request;
  res: Response;
  session: { history?: string[] };
  /** What the response's own `end` saw of the history when it ran. */
  historyAtEnd: () => string[] | undefined;
}

/** A request answered by a route, its session, and a response whose `end` notes the history. */
function exchange(
  url: string,
  overrides: Partial<Request> = {},
  session: { history?: string[] } = {},
): FakeExchange {
  let seen: string[] | undefined;
  const res = {
    statusCode: 200,
    end(this: unknown) {
      seen = session.history && [...session.history];
      return this;
    },
  } as unknown as Response;
  const req = {
    method: 'GET',
    originalUrl: url,
    route: { path: url },
    session,
    ...overrides,
  } as unknown as Request;
  return { req, res, session, historyAtEnd: () => seen };
}

function answer(recorder: PageHistoryRecorder, ex: FakeExchange, status = 200): void {
  recorder.watch(ex.req, ex.res);
  ex.res.statusCode = status;
  ex.res.end();
}

describe('PageHistoryRecorder', () => {
  const recorder = (options: PageHistoryOptions = {}) => new PageHistoryRecorder(options);

  it('records the page before the response ends, where express-session decides to save', () => {
    const ex = exchange('/cart/?page=2');
    answer(recorder(), ex);
    expect(ex.historyAtEnd()).toEqual(['/cart']);
  });

  it('starts no history (so no stored session) for a visitor whose session is new and empty', () => {
    const ex = exchange('/products', {}, { cookie: {} } as { history?: string[] });
    markNewSession(ex.req);
    answer(recorder(), ex);
    expect(ex.session.history).toBeUndefined();
  });

  it('records on a new session that the route itself wrote to', () => {
    const ex = exchange('/products', {}, { cookie: {}, cart: {} } as { history?: string[] });
    markNewSession(ex.req);
    answer(recorder(), ex);
    expect(ex.session.history).toEqual(['/products']);
  });

  it('records 2xx and 304 answers, not errors or redirects', () => {
    for (const [status, recorded] of [
      [200, true],
      [204, true],
      [304, true],
      [302, false],
      [401, false],
      [404, false],
      [500, false],
    ] as const) {
      const ex = exchange('/products');
      answer(recorder(), ex, status);
      expect(ex.session.history).toEqual(recorded ? ['/products'] : undefined);
    }
  });

  it('records only GETs a route answered, with a session', () => {
    for (const overrides of [
      { method: 'POST' },
      { method: 'HEAD' },
      { route: undefined },
      { session: undefined },
    ] as Partial<Request>[]) {
      const ex = exchange('/products', overrides);
      answer(recorder(), ex);
      expect(ex.session.history).toBeUndefined();
    }
  });

  it('asks isPage with the page path, and honours the limits', () => {
    const isPage = jest.fn((page: string) => page !== '/health');
    const r = recorder({ isPage, maxPages: 2, maxPathLength: 10 });
    const ex = exchange('/health/');
    answer(r, ex);
    expect(isPage).toHaveBeenCalledWith('/health', ex.req);
    expect(ex.session.history).toBeUndefined();

    const visited = exchange('/c', {}, { history: ['/b', '/a'] });
    answer(r, visited);
    expect(visited.session.history).toEqual(['/c', '/b']);

    const long = exchange('/a-very-long-page');
    answer(r, long);
    expect(long.session.history).toBeUndefined();
  });
});
