import {
  applyPatch,
  diffJson,
  jsonEqual,
  parseSessionJson,
  sessionDataOf,
  type SessionPatch,
} from './session-patch';

const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

/**
 * Applies the diff of before -> after onto `base` (a copy), as a store replaying a save does.
 * The copy goes through JSON (as stored data does): structuredClone would build its objects in
 * another realm than the spec's, with another Object.prototype.
 */
function replay(before: unknown, after: unknown, base: unknown): unknown {
  const patch = diffJson(before, after);
  const copy: unknown = JSON.parse(JSON.stringify(base));
  return patch ? applyPatch(copy, patch) : copy;
}

describe('diffJson', () => {
  it('is undefined for equal values, at any depth', () => {
    expect(diffJson(1, 1)).toBeUndefined();
    expect(diffJson('a', 'a')).toBeUndefined();
    expect(diffJson(null, null)).toBeUndefined();
    expect(diffJson([1, { a: 2 }], [1, { a: 2 }])).toBeUndefined();
    expect(diffJson({ a: { b: { c: [1] } } }, { a: { b: { c: [1] } } })).toBeUndefined();
    expect(diffJson({}, {})).toBeUndefined();
  });

  it('replaces a changed scalar', () => {
    expect(diffJson(1, 2)).toEqual({ kind: 'replace', value: 2 });
    expect(diffJson('a', null)).toEqual({ kind: 'replace', value: null });
  });

  it('merges objects key by key, at depth, naming only what changed', () => {
    const patch = diffJson(
      { cart: { p1: 1, p2: 2 }, theme: 'light', user: { id: 'u1' } },
      { cart: { p1: 1, p2: 5, p3: 1 }, theme: 'light', user: { id: 'u1' } },
    );
    expect(patch).toEqual({
      kind: 'merge',
      entries: new Map<string, SessionPatch>([
        [
          'cart',
          {
            kind: 'merge',
            entries: new Map<string, SessionPatch>([
              ['p2', { kind: 'replace', value: 5 }],
              ['p3', { kind: 'replace', value: 1 }],
            ]),
          },
        ],
      ]),
    });
  });

  it('records a removed key as a delete', () => {
    expect(diffJson({ a: 1, b: 2 }, { a: 1 })).toEqual({
      kind: 'merge',
      entries: new Map([['b', { kind: 'delete' }]]),
    });
  });

  it('replaces arrays whole', () => {
    expect(diffJson({ list: [1, 2, 3] }, { list: [1, 2, 4] })).toEqual({
      kind: 'merge',
      entries: new Map([['list', { kind: 'replace', value: [1, 2, 4] }]]),
    });
    expect(diffJson([{ a: 1 }], [{ a: 2 }])).toEqual({ kind: 'replace', value: [{ a: 2 }] });
  });

  it('replaces on a change of type', () => {
    expect(diffJson({ a: 1 }, [1])).toEqual({ kind: 'replace', value: [1] });
    expect(diffJson([1], { 0: 1 })).toEqual({ kind: 'replace', value: { 0: 1 } });
    expect(diffJson(null, {})).toEqual({ kind: 'replace', value: {} });
    expect(diffJson({ a: {} }, { a: 'x' })).toEqual({
      kind: 'merge',
      entries: new Map([['a', { kind: 'replace', value: 'x' }]]),
    });
  });
});

describe('jsonEqual', () => {
  it('ignores the order of object keys at any depth, arrays included (jsonb reorders them)', () => {
    const stored = JSON.parse(
      '{"n": 1, "cart": [{"qty": 2, "id": "mouse"}], "cookie": {"path": "/", "httpOnly": true}}',
    );
    const live = { cookie: { httpOnly: true, path: '/' }, cart: [{ id: 'mouse', qty: 2 }], n: 1 };
    expect(jsonEqual(stored, live)).toBe(true);
    expect(diffJson(stored, live)).toBeUndefined();
  });

  it('tells apart what differs: values, lengths, missing keys, arrays and objects', () => {
    expect(jsonEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual([1], [1, 1])).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });
});

describe('applyPatch', () => {
  it('replaces and deletes', () => {
    expect(applyPatch('old', { kind: 'replace', value: 'new' })).toBe('new');
    expect(applyPatch('old', { kind: 'delete' })).toBeUndefined();
  });

  it('merges onto whatever is stored by then, keeping keys the patch does not name', () => {
    const before = { cart: { items: { p1: 1 } }, theme: 'light' };
    const after = { cart: { items: { p1: 1, p2: 2 } }, theme: 'light' };
    const stored = { cart: { items: { p1: 1, p9: 9 }, coupon: 'X' }, theme: 'dark', extra: true };
    expect(replay(before, after, stored)).toEqual({
      cart: { items: { p1: 1, p2: 2, p9: 9 }, coupon: 'X' },
      theme: 'dark',
      extra: true,
    });
  });

  it('deletes at depth and leaves siblings alone', () => {
    const result = replay({ a: { b: 1, c: 2 } }, { a: { c: 2 } }, { a: { b: 1, c: 3, d: 4 } });
    expect(result).toEqual({ a: { c: 3, d: 4 } });
  });

  it('lets the patch win on a key both changed', () => {
    expect(replay({ theme: 'light' }, { theme: 'dark' }, { theme: 'blue' })).toEqual({
      theme: 'dark',
    });
  });

  it('replaces arrays whole rather than merging elements', () => {
    expect(replay({ h: ['a'] }, { h: ['b', 'a'] }, { h: ['c', 'a'] })).toEqual({ h: ['b', 'a'] });
  });

  it('creates the path when the stored value is gone or not an object', () => {
    expect(replay({ a: { b: 1 } }, { a: { b: 1, c: 2 } }, {})).toEqual({ a: { c: 2 } });
    expect(replay({ a: { b: 1 } }, { a: { b: 1, c: 2 } }, { a: 'text' })).toEqual({ a: { c: 2 } });
    expect(replay({ a: { b: 1 } }, { a: { b: 1, c: 2 } }, { a: [1] })).toEqual({ a: { c: 2 } });
    expect(replay({ a: 1 }, { a: 1, b: 2 }, null)).toEqual({ b: 2 });
  });

  it('changes the target in place and returns it', () => {
    const target = { a: 1 };
    const result = applyPatch(target, diffJson({ a: 1 }, { a: 2 }) as SessionPatch);
    expect(result).toBe(target);
    expect(target).toEqual({ a: 2 });
  });
});

describe('`__proto__` keys', () => {
  const POLLUTION = 'pollutedThroughSessionPatch';
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>)[POLLUTION];
  });
  const polluted = () => ({}) as Record<string, unknown>;

  it('are set as own properties, leaving the prototype alone', () => {
    const result = replay({}, json(`{"__proto__":{"${POLLUTION}":true}}`), {}) as object;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(JSON.stringify(result)).toBe(`{"__proto__":{"${POLLUTION}":true}}`);
    expect(polluted()[POLLUTION]).toBeUndefined();
  });

  it('are set as own properties at depth', () => {
    const result = replay({ prefs: {} }, json(`{"prefs":{"__proto__":{"${POLLUTION}":1}}}`), {
      prefs: {},
    }) as { prefs: object };
    expect(Object.getPrototypeOf(result.prefs)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe(`{"prefs":{"__proto__":{"${POLLUTION}":1}}}`);
    expect(polluted()[POLLUTION]).toBeUndefined();
  });

  it('merge into an own `__proto__` property of the stored data', () => {
    const result = replay(
      json('{"__proto__":{"a":1}}'),
      json('{"__proto__":{"a":1,"b":2}}'),
      json('{"__proto__":{"a":1,"c":3}}'),
    );
    expect(JSON.stringify(result)).toBe('{"__proto__":{"a":1,"c":3,"b":2}}');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });

  // The stored data may lack an own `__proto__` (another request removed it): the merge must
  // then start from nothing, never from Object.prototype.
  it('merge onto stored data without the key never touches Object.prototype', () => {
    const result = replay(
      json('{"__proto__":{"a":1}}'),
      json(`{"__proto__":{"a":1,"${POLLUTION}":true}}`),
      {},
    ) as object;
    expect(polluted()[POLLUTION]).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, POLLUTION)).toBe(false);
    expect(JSON.stringify(result)).toBe(`{"__proto__":{"${POLLUTION}":true}}`);
  });

  it('deleting an own `__proto__` key removes only that property', () => {
    const result = replay(
      json('{"__proto__":{"a":1},"b":2}'),
      { b: 2 },
      json('{"__proto__":{"a":1},"b":2}'),
    ) as object;
    expect(Object.hasOwn(result, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(result).toEqual({ b: 2 });
  });
});

describe('parseSessionJson', () => {
  it('reads a stored session', () => {
    expect(parseSessionJson('{"cookie":{"path":"/"},"n":1}')).toEqual({
      cookie: { path: '/' },
      n: 1,
    });
  });

  it('reads a cookie with an expiry and a max age, or with neither', () => {
    const expires = '2030-01-01T00:00:00.000Z';
    const raw = `{"cookie":{"expires":"${expires}","originalMaxAge":60000}}`;
    expect(parseSessionJson(raw)).toEqual({ cookie: { expires, originalMaxAge: 60000 } });
    expect(parseSessionJson('{"cookie":{"expires":null,"originalMaxAge":null}}')).not.toBeNull();
  });

  it.each([
    '{',
    '',
    '[]',
    'null',
    '"text"',
    '42',
    '{"n":1}',
    '{"cookie":null}',
    '{"cookie":[]}',
    '{"cookie":"x"}',
    '{"cookie":{"expires":"not a date"}}',
    '{"cookie":{"expires":12}}',
    '{"cookie":{"originalMaxAge":"60000"}}',
  ])('reads %p as no session', (raw) => {
    expect(parseSessionJson(raw)).toBeNull();
  });
});

describe('sessionDataOf', () => {
  it('is the JSON of the session without its cookie', () => {
    const session = { cookie: { path: '/' }, at: new Date(0), n: 1, skip: undefined };
    expect(sessionDataOf(session)).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 1 });
  });
});
