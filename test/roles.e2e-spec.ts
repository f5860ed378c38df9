import {
  createTestApp,
  signIn,
  signInDemoUsers,
  STORES,
  type SignedIn,
  type TestApp,
  DEMO_EMAILS,
} from './support/app-factory';

const EMAILS = DEMO_EMAILS;
type Who = keyof typeof EMAILS;

const ROLE_OF: Record<Who, string> = {
  user: 'user',
  alice: 'user',
  bob: 'user',
  moderator: 'moderator',
  admin: 'admin',
  superadmin: 'superadmin',
};

/** Who may reach each role-protected route: the hierarchy user < moderator < admin < superadmin. */
const ROUTES: { path: string; required: string; allowed: Who[] }[] = [
  {
    path: '/moderation/queue',
    required: 'moderator',
    allowed: ['moderator', 'admin', 'superadmin'],
  },
  { path: '/admin/users', required: 'admin', allowed: ['admin', 'superadmin'] },
];

const MATRIX = ROUTES.flatMap(({ path, required, allowed }) =>
  (Object.keys(EMAILS) as Who[]).map((who) => ({
    path,
    required,
    who,
    expected: allowed.includes(who) ? 200 : 403,
  })),
);

describe.each(STORES)('roles on the %s', (_name, env) => {
  let app: TestApp;
  let as: Record<Who, SignedIn>;

  beforeAll(async () => {
    app = await createTestApp(env());
    as = await signInDemoUsers(app);
  });
  afterAll(() => app.close());

  describe('the role hierarchy', () => {
    it.each(MATRIX)('GET $path as $who: $expected', async ({ path, required, who, expected }) => {
      const res = await as[who].agent.get(path);
      if (expected === 200) {
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
        return;
      }
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        statusCode: 403,
        code: 'INSUFFICIENT_PERMISSIONS',
        message: expect.any(String),
        requiredRoles: [required],
        userRoles: [ROLE_OF[who]],
      });
    });

    it.each(ROUTES)('GET $path anonymous: 401 AUTH_REQUIRED, no cookie set', async ({ path }) => {
      const res = await app.agent().get(path).expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        code: 'AUTH_REQUIRED',
        message: expect.any(String),
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it.each(ROUTES)('GET $path with only an anonymous session: 401', async ({ path }) => {
      const agent = app.agent();
      await agent.get('/auth/csrf').expect(200);
      const res = await agent.get(path).expect(401);
      expect(res.body.code).toBe('AUTH_REQUIRED');
    });

    it.each(ROUTES)('GET $path after logout: 401', async ({ path }) => {
      const admin = await signIn(app, EMAILS.superadmin);
      await admin.agent.get(path).expect(200);
      await admin.agent.post('/auth/logout').set('x-csrf-token', admin.csrfToken).expect(204);
      const res = await admin.agent.get(path).expect(401);
      expect(res.body.code).toBe('AUTH_REQUIRED');
    });
  });

  describe('GET /moderation/queue', () => {
    it('lists recent posts, newest first', async () => {
      const { agent, csrfToken, user } = as.alice;
      const titles = ['queued first', 'queued second'];
      for (const title of titles) {
        await agent
          .post('/posts')
          .set('x-csrf-token', csrfToken)
          .send({ title, body: 'b' })
          .expect(201);
      }
      const res = await as.moderator.agent.get('/moderation/queue').expect(200);
      expect(res.body).toEqual({ items: expect.any(Array) });
      const [newest, previous] = res.body.items;
      expect(newest).toEqual({
        id: expect.any(String),
        ownerId: user.id,
        title: 'queued second',
        body: 'b',
        createdAt: expect.any(String),
      });
      expect(previous.title).toBe('queued first');
      expect(Number.isNaN(Date.parse(newest.createdAt))).toBe(false);
    });
  });

  describe('GET /admin/users', () => {
    it('lists every demo user with id, email and roles', async () => {
      const res = await as.admin.agent.get('/admin/users').expect(200);
      expect(Object.keys(res.body)).toEqual(['users']);
      const byEmail = new Map(
        (res.body.users as { id: string; email: string; roles: string[] }[]).map((u) => [
          u.email,
          u,
        ]),
      );
      for (const who of Object.keys(EMAILS) as Who[]) {
        expect(byEmail.get(EMAILS[who])).toMatchObject({
          id: as[who].user.id,
          email: EMAILS[who],
          roles: [ROLE_OF[who]],
        });
      }
      expect(byEmail.get('mfa@example.com')).toMatchObject({ roles: ['user'], mfaEnabled: true });
    });

    it('never shows a password hash or an MFA secret', async () => {
      const res = await as.superadmin.agent.get('/admin/users').expect(200);
      for (const user of res.body.users as Record<string, unknown>[]) {
        expect(Object.keys(user).sort()).toEqual(expect.arrayContaining(['email', 'id', 'roles']));
        for (const key of Object.keys(user)) expect(key).not.toMatch(/hash|password|secret/i);
      }
      expect(res.text).not.toMatch(/\$argon2|\$2[aby]\$/);
      expect(res.text).not.toContain('JBSWY3DPEHPK3PXP');
      expect(res.text).not.toMatch(/-password-1/);
    });
  });
});
