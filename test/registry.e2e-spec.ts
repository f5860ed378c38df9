import type { Response } from 'supertest';
import type { SessionInfo } from 'nest-session-kit';
import {
  createTestApp,
  PASSWORDS,
  sessionIdFrom,
  signIn,
  STORES,
  type SignedIn,
  type TestApp,
} from './support/app-factory';
import { sleep } from './support/timing';

async function sessionsOf(who: SignedIn): Promise<SessionInfo[]> {
  const res = await who.agent.get('/auth/sessions').expect(200);
  return res.body.sessions as SessionInfo[];
}

describe.each(STORES)('the per-user session registry on the %s', (_name, storeEnv) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ ...storeEnv(), SESSION_FRESH_MS: '1500' });
  });
  afterAll(() => app.close());

  it("lists the user's sessions with opaque handles, marking the current one", async () => {
    const agent = app.agent();
    const login = await agent
      .post('/auth/login')
      .set('User-Agent', 'Laptop/1.0')
      .send({ email: 'alice@example.com', password: PASSWORDS['alice@example.com'] })
      .expect(200);
    const laptop: SignedIn = { agent, csrfToken: login.body.csrfToken, user: login.body.user };
    const phone = await signIn(app, 'alice@example.com');
    const sessions = await sessionsOf(laptop);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const current = sessions.find((s) => s.current) as SessionInfo;
    expect(current).toMatchObject({
      userAgent: 'Laptop/1.0',
      ip: expect.any(String),
      createdAt: expect.any(Number),
      lastActivityAt: expect.any(Number),
    });
    const sid = sessionIdFrom((login as Response).headers['set-cookie']);
    for (const s of sessions) {
      expect(s.id).not.toBe(sid);
      expect(sid).not.toContain(s.id);
    }
    expect((await sessionsOf(phone)).find((s) => s.current)?.id).not.toBe(current.id);
    await revokeAllOf(app, 'alice@example.com');
  });

  it('revokes one session at once; other users cannot see or revoke it', async () => {
    const laptop = await signIn(app, 'bob@example.com');
    const phone = await signIn(app, 'bob@example.com');
    const phoneHandle = (await sessionsOf(phone)).find((s) => s.current)?.id as string;
    const alice = await signIn(app, 'alice@example.com');
    const foreign = await alice.agent
      .delete(`/auth/sessions/${phoneHandle}`)
      .set('x-csrf-token', alice.csrfToken)
      .expect(404);
    expect(foreign.body.code).toBe('SESSION_NOT_FOUND');
    await phone.agent.get('/auth/me').expect(200);
    await laptop.agent
      .delete(`/auth/sessions/${phoneHandle}`)
      .set('x-csrf-token', laptop.csrfToken)
      .expect(204);
    await phone.agent.get('/auth/me').expect(401);
    await laptop.agent.get('/auth/me').expect(200);
    const again = await laptop.agent
      .delete(`/auth/sessions/${phoneHandle}`)
      .set('x-csrf-token', laptop.csrfToken)
      .expect(404);
    expect(again.body.code).toBe('SESSION_NOT_FOUND');
    expect(await sessionsOf(laptop)).toHaveLength(1);
    await laptop.agent.get('/auth/sessions').expect(200);
    await app.agent().get('/auth/sessions').expect(401);
  });

  it('revokes all other sessions only after a fresh login', async () => {
    const first = await signIn(app, 'user@example.com');
    const second = await signIn(app, 'user@example.com');
    await sleep(1700);
    const stale = await first.agent
      .delete('/auth/sessions')
      .set('x-csrf-token', first.csrfToken)
      .expect(401);
    expect(stale.body.code).toBe('REAUTH_REQUIRED');
    await first.agent
      .post('/auth/reauth')
      .set('x-csrf-token', first.csrfToken)
      .send({ password: 'wrong-password' })
      .expect(401);
    await first.agent
      .post('/auth/reauth')
      .set('x-csrf-token', first.csrfToken)
      .send({ password: PASSWORDS['user@example.com'] })
      .expect(204);
    await first.agent.delete('/auth/sessions').set('x-csrf-token', first.csrfToken).expect(204);
    await second.agent.get('/auth/me').expect(401);
    await first.agent.get('/auth/me').expect(200);
    expect(await sessionsOf(first)).toHaveLength(1);
  });

  it('changing the password revokes every other session and gives this one a new id', async () => {
    const local = await createTestApp(storeEnv());
    try {
      const agent = local.agent();
      const login = await agent
        .post('/auth/login')
        .send({ email: 'alice@example.com', password: PASSWORDS['alice@example.com'] })
        .expect(200);
      const other = await signIn(local, 'alice@example.com');
      const weak = await agent
        .post('/auth/password')
        .set('x-csrf-token', login.body.csrfToken)
        .send({ currentPassword: PASSWORDS['alice@example.com'], newPassword: 'short' })
        .expect(400);
      expect(weak.body.code).toBe('VALIDATION_FAILED');
      await agent
        .post('/auth/password')
        .set('x-csrf-token', login.body.csrfToken)
        .send({ currentPassword: 'not-the-password', newPassword: 'a-brand-new-password-2' })
        .expect(401);
      const changed = await agent
        .post('/auth/password')
        .set('x-csrf-token', login.body.csrfToken)
        .send({
          currentPassword: PASSWORDS['alice@example.com'],
          newPassword: 'a-brand-new-password-2',
        })
        .expect(204);
      expect(sessionIdFrom(changed.headers['set-cookie'])).not.toBe(
        sessionIdFrom(login.headers['set-cookie']),
      );
      await other.agent.get('/auth/me').expect(401);
      await agent.get('/auth/me').expect(200);
      await local
        .agent()
        .post('/auth/login')
        .send({ email: 'alice@example.com', password: PASSWORDS['alice@example.com'] })
        .expect(401);
      await local
        .agent()
        .post('/auth/login')
        .send({ email: 'alice@example.com', password: 'a-brand-new-password-2' })
        .expect(200);
    } finally {
      await local.close();
    }
  });

  it('evicts the oldest sessions past SESSION_MAX_PER_USER', async () => {
    const local = await createTestApp({ ...storeEnv(), SESSION_MAX_PER_USER: '2' });
    try {
      const first = await signIn(local, 'bob@example.com');
      await sleep(5);
      const second = await signIn(local, 'bob@example.com');
      await sleep(5);
      const third = await signIn(local, 'bob@example.com');
      await first.agent.get('/auth/me').expect(401);
      await second.agent.get('/auth/me').expect(200);
      await third.agent.get('/auth/me').expect(200);
      expect(await sessionsOf(third)).toHaveLength(2);
    } finally {
      await local.close();
    }
  });

  describe('admin routes', () => {
    it('applies a role change to the live sessions of the user at their next request', async () => {
      const bob = await signIn(app, 'bob@example.com');
      await bob.agent.get('/moderation/queue').expect(403);
      const admin = await signIn(app, 'admin@example.com');
      const res = await admin.agent
        .patch(`/admin/users/${bob.user.id}`)
        .set('x-csrf-token', admin.csrfToken)
        .send({ roles: ['moderator'] })
        .expect(200);
      expect(res.body.user).toMatchObject({ id: bob.user.id, roles: ['moderator'] });
      expect(res.body.user.passwordHash).toBeUndefined();
      const me = await bob.agent.get('/auth/me').expect(200);
      expect(me.body.user.roles).toEqual(['moderator']);
      await bob.agent.get('/moderation/queue').expect(200);
      await admin.agent
        .patch(`/admin/users/${bob.user.id}`)
        .set('x-csrf-token', admin.csrfToken)
        .send({ roles: ['user'] })
        .expect(200);
      await bob.agent.get('/moderation/queue').expect(403);
    });

    it('refuses role changes that are stale, invalid, escalating or for unknown users', async () => {
      const admin = await signIn(app, 'admin@example.com');
      const target = (await signIn(app, 'alice@example.com')).user.id;
      const patch = (id: string, body: object) =>
        admin.agent.patch(`/admin/users/${id}`).set('x-csrf-token', admin.csrfToken).send(body);
      expect((await patch(target, { roles: ['wizard'] }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await patch(target, { roles: [] }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await patch(target, { roles: ['superadmin'] }).expect(403)).body.code).toBe(
        'INSUFFICIENT_PERMISSIONS',
      );
      const superadminId = (await signIn(app, 'superadmin@example.com')).user.id;
      await patch(superadminId, { roles: ['user'] }).expect(403);
      await patch('no-such-user', { roles: ['user'] }).expect(404);
      await sleep(1700);
      expect((await patch(target, { roles: ['user'] }).expect(401)).body.code).toBe(
        'REAUTH_REQUIRED',
      );
      const user = await signIn(app, 'user@example.com');
      await user.agent
        .patch(`/admin/users/${target}`)
        .set('x-csrf-token', user.csrfToken)
        .send({ roles: ['user'] })
        .expect(403);
      await app
        .agent()
        .patch(`/admin/users/${target}`)
        .send({ roles: ['user'] })
        .expect(401);
    });

    it('refuses to list or revoke the sessions of a user ranked above the caller', async () => {
      const superadmin = await signIn(app, 'superadmin@example.com');
      const admin = await signIn(app, 'admin@example.com');
      const moderator = await signIn(app, 'moderator@example.com');
      const target = `/admin/users/${superadmin.user.id}/sessions`;
      const listed = await admin.agent.get(target).expect(403);
      expect(listed.body).toMatchObject({
        statusCode: 403,
        code: 'INSUFFICIENT_PERMISSIONS',
        requiredRoles: ['superadmin'],
        userRoles: ['admin'],
      });
      const revoked = await admin.agent
        .delete(target)
        .set('x-csrf-token', admin.csrfToken)
        .expect(403);
      expect(revoked.body.code).toBe('INSUFFICIENT_PERMISSIONS');
      await superadmin.agent.get('/auth/me').expect(200);
      // Equal rank is allowed: an admin manages another admin's sessions, and a superadmin anyone's.
      await admin.agent.get(`/admin/users/${admin.user.id}/sessions`).expect(200);
      await superadmin.agent.get(`/admin/users/${moderator.user.id}/sessions`).expect(200);
      await superadmin.agent
        .delete(`/admin/users/${moderator.user.id}/sessions`)
        .set('x-csrf-token', superadmin.csrfToken)
        .expect(204);
      await moderator.agent.get('/auth/me').expect(401);
    });

    it("needs a fresh login to revoke another user's sessions", async () => {
      const bob = await signIn(app, 'bob@example.com');
      const admin = await signIn(app, 'admin@example.com');
      await sleep(1700);
      const stale = await admin.agent
        .delete(`/admin/users/${bob.user.id}/sessions`)
        .set('x-csrf-token', admin.csrfToken)
        .expect(401);
      expect(stale.body).toEqual({
        statusCode: 401,
        code: 'REAUTH_REQUIRED',
        message: expect.any(String),
      });
      await bob.agent.get('/auth/me').expect(200);
      await admin.agent
        .post('/auth/reauth')
        .set('x-csrf-token', admin.csrfToken)
        .send({ password: PASSWORDS['admin@example.com'] })
        .expect(204);
      await admin.agent
        .delete(`/admin/users/${bob.user.id}/sessions`)
        .set('x-csrf-token', admin.csrfToken)
        .expect(204);
      await bob.agent.get('/auth/me').expect(401);
    });

    it("lists and revokes a user's sessions", async () => {
      const local = await createTestApp(storeEnv());
      try {
        const alice1 = await signIn(local, 'alice@example.com');
        const alice2 = await signIn(local, 'alice@example.com');
        const admin = await signIn(local, 'admin@example.com');
        const list = await admin.agent.get(`/admin/users/${alice1.user.id}/sessions`).expect(200);
        expect(list.body.sessions).toHaveLength(2);
        expect(list.body.sessions.every((s: SessionInfo) => s.current === false)).toBe(true);
        await admin.agent.get('/admin/users/no-such-user/sessions').expect(404);
        const user = await signIn(local, 'user@example.com');
        await user.agent.get(`/admin/users/${alice1.user.id}/sessions`).expect(403);
        await local.agent().get(`/admin/users/${alice1.user.id}/sessions`).expect(401);
        await admin.agent
          .delete(`/admin/users/${alice1.user.id}/sessions`)
          .set('x-csrf-token', admin.csrfToken)
          .expect(204);
        await alice1.agent.get('/auth/me').expect(401);
        await alice2.agent.get('/auth/me').expect(401);
        const after = await admin.agent.get(`/admin/users/${alice1.user.id}/sessions`).expect(200);
        expect(after.body.sessions).toEqual([]);
        await admin.agent.get('/auth/me').expect(200);
      } finally {
        await local.close();
      }
    });
  });
});

async function revokeAllOf(app: TestApp, email: string): Promise<void> {
  const admin = await signIn(app, 'superadmin@example.com');
  const who = await signIn(app, email);
  await admin.agent
    .delete(`/admin/users/${who.user.id}/sessions`)
    .set('x-csrf-token', admin.csrfToken)
    .expect(204);
}
