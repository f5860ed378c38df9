import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './support/app-factory';

/** Sends raw bytes and resolves everything the server answered before closing. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parse(answer: string): { status: number; headers: string; body: unknown } {
  const [head, body] = answer.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: JSON.parse(body),
  };
}

describe('Node-level refusals', () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await createTestApp();
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it.each([
    ['a malformed request line', 'NOT HTTP AT ALL\r\n\r\n'],
    ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
    ['a bad Content-Length', 'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
  ])('answers %s with 400 in the JSON error shape', async (_case, bytes) => {
    const answer = parse(await rawExchange(port, bytes));
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('content-type: application/json');
    expect(answer.body).toEqual({
      statusCode: 400,
      code: 'BAD_REQUEST',
      message: expect.any(String),
    });
  });

  it('answers headers over the limit with 431 in the JSON error shape', async () => {
    const big = `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    const answer = parse(await rawExchange(port, big));
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({
      statusCode: 431,
      code: 'HEADERS_TOO_LARGE',
      message: expect.any(String),
    });
  });

  it('still serves well-formed requests on the same server', async () => {
    const answer = await rawExchange(
      port,
      'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer.startsWith('HTTP/1.1 200')).toBe(true);
  });
});

describe('the API docs', () => {
  const production = { NODE_ENV: 'production', SESSION_ALLOW_MEMORY_STORE: 'true' };

  async function docsStatus(env: Record<string, string>): Promise<number[]> {
    const app = await createTestApp(env);
    try {
      const ui = await app.agent().get('/docs');
      const document = await app.agent().get('/docs-json');
      return [ui.status, document.status];
    } finally {
      await app.close();
    }
  }

  it('are served in development', async () => {
    expect(await docsStatus({})).toEqual([200, 200]);
  });

  it('are off in production, and on again with DOCS_ENABLED=true', async () => {
    expect(await docsStatus(production)).toEqual([404, 404]);
    expect(await docsStatus({ ...production, DOCS_ENABLED: 'true' })).toEqual([200, 200]);
  });

  it('are off with DOCS_ENABLED=false, and a malformed value stops the start', async () => {
    expect(await docsStatus({ DOCS_ENABLED: 'false' })).toEqual([404, 404]);
    await expect(createTestApp({ DOCS_ENABLED: 'maybe' })).rejects.toThrow(/DOCS_ENABLED/);
  });
});
