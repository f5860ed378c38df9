import { PASSWORDS } from './app-factory';

/** One HTTP answer, its JSON body parsed when there is one. */
export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON, as supertest's res.body
  body: any;
  headers: Headers;
}

/**
 * A browser-like client that is not tied to one server: it keeps its cookies and CSRF token and
 * can send each request to a different app instance (the same cookie, so the same session).
 */
export class HttpSession {
  private cookies = new Map<string, string>();
  csrfToken?: string;

  constructor(readonly userAgent = 'nest-session-kit-tests') {}

  /** Another client holding the same cookies and token (the same session, replayed). */
  clone(): HttpSession {
    const copy = new HttpSession(this.userAgent);
    copy.cookies = new Map(this.cookies);
    copy.csrfToken = this.csrfToken;
    return copy;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async send(
    baseUrl: string,
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 10_000,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader;
    if (this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    this.keepCookies(res.headers.getSetCookie());
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** POST /auth/login as a demo user (no session yet, so no CSRF token needed). */
  async logIn(baseUrl: string, email: string): Promise<HttpAnswer> {
    const answer = await this.send(baseUrl, 'POST', '/auth/login', {
      email,
      password: PASSWORDS[email],
    });
    if (answer.status === 200) this.csrfToken = answer.body.csrfToken;
    return answer;
  }

  private keepCookies(lines: string[]): void {
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, date] = attribute.trim().split('=');
        return key.toLowerCase() === 'expires' && Date.parse(date) <= Date.now();
      });
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
