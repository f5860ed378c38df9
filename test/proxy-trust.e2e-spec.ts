import type { SampleEnv } from '../apps/sample/src/app.module';
import { createTestApp, PASSWORDS, signIn, STORES, type TestApp } from './support/app-factory';

const USER = 'user@example.com';

describe.each(STORES)('proxy trust on the %s', (_name, env) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** The IP recorded for a login whose X-Forwarded-For the client wrote in part. */
  async function recordedIp(extra: SampleEnv, forwardedFor: string): Promise<string> {
    app = await createTestApp({ ...env(), ...extra });
    const agent = app.agent();
    await agent
      .post('/auth/login')
      .set('X-Forwarded-For', forwardedFor)
      .send({ email: USER, password: PASSWORDS[USER] })
      .expect(200);
    const res = await agent.get('/auth/sessions').set('X-Forwarded-For', forwardedFor).expect(200);
    return res.body.sessions.find((s: { current: boolean }) => s.current).ip as string;
  }

  it.each([
    ['a hop count of 1', '1'],
    ['the proxy address', '127.0.0.1, ::1'],
    ['the proxy subnet', 'loopback'],
  ])(
    'with one trusted proxy (%s) takes the entry that proxy appended, not the client-written one',
    async (_case, trustProxy) => {
      expect(await recordedIp({ TRUST_PROXY: trustProxy }, '6.6.6.6, 10.0.0.9')).toBe('10.0.0.9');
    },
  );

  it('with two trusted hops takes the entry the outer proxy appended', async () => {
    expect(await recordedIp({ TRUST_PROXY: '2' }, '6.6.6.6, 10.0.0.9')).toBe('6.6.6.6');
  });

  it('without TRUST_PROXY ignores X-Forwarded-For', async () => {
    const ip = await recordedIp({}, '6.6.6.6, 10.0.0.9');
    expect(ip).not.toBe('6.6.6.6');
    expect(ip).not.toBe('10.0.0.9');
  });

  /** The countries of today's logins: one with CF-IPCountry FR, then the admin's without. */
  async function countries(extra: SampleEnv): Promise<Record<string, number>> {
    app = await createTestApp({ ...env(), ...extra });
    await app
      .agent()
      .post('/auth/login')
      .set('CF-IPCountry', 'FR')
      .send({ email: USER, password: PASSWORDS[USER] })
      .expect(200);
    const admin = await signIn(app, 'admin@example.com');
    const stats = await admin.agent.get('/admin/stats?days=1').expect(200);
    return stats.body.totals.countries as Record<string, number>;
  }

  it('reads the country header only from a trusted proxy', async () => {
    expect(await countries({})).toEqual({ unknown: 2 });
    await app?.close();
    expect(await countries({ TRUST_PROXY: '192.0.2.10' })).toEqual({ unknown: 2 });
    await app?.close();
    expect(await countries({ TRUST_PROXY: '1' })).toEqual({ FR: 1, unknown: 1 });
  });
});

describe('TRUST_PROXY at start-up', () => {
  const production = { NODE_ENV: 'production', SESSION_ALLOW_MEMORY_STORE: 'true' };

  it('refuses true in production, pointing to the hop count', async () => {
    const failure = createTestApp({ ...production, TRUST_PROXY: 'true' });
    await expect(failure).rejects.toThrow(/trustProxy/);
    await expect(failure).rejects.toThrow(/number of proxies in front/);
  });

  it('starts in production with a hop count or addresses', async () => {
    for (const trustProxy of ['1', '10.0.0.0/8, 192.0.2.7']) {
      const app = await createTestApp({ ...production, TRUST_PROXY: trustProxy });
      await app.close();
    }
  });

  it.each(['yes', '10.0.0.0/33', '10.0.0.1, not-an-ip', '-1'])(
    'refuses TRUST_PROXY=%p, naming the option',
    async (trustProxy) => {
      await expect(createTestApp({ TRUST_PROXY: trustProxy })).rejects.toThrow(/trustProxy/);
    },
  );
});
