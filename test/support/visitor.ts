import type request from 'supertest';
import { csrfTokenOf, PASSWORDS, type TestApp } from './app-factory';

/** An agent with a live session and that session's CSRF token. */
export interface Visitor {
  agent: request.Agent;
  csrfToken: string;
}

/** A new anonymous visitor whose session exists (GET /auth/csrf created it). */
export async function anonymousVisitor(app: TestApp): Promise<Visitor> {
  const agent = app.agent();
  return { agent, csrfToken: await csrfTokenOf(agent) };
}

/** Signs in from the visitor's live session (which needs its CSRF token); the token changes. */
export async function signInVisitor(
  { agent, csrfToken }: Visitor,
  email: string,
  headers: Record<string, string> = {},
): Promise<Visitor> {
  const res = await agent
    .post('/auth/login')
    .set('x-csrf-token', csrfToken)
    .set(headers)
    .send({ email, password: PASSWORDS[email] })
    .expect(200);
  return { agent, csrfToken: res.body.csrfToken as string };
}
