import { HttpSession, type HttpAnswer } from './http-session';

const EMAILS = ['user', 'alice', 'bob', 'moderator', 'admin', 'superadmin'].map(
  (name) => `${name}@example.com`,
);
const SIGN_IN_CONCURRENCY = 8;

/** A session whose login the app acknowledged (200), and who it belongs to. */
interface Acknowledged {
  session: HttpSession;
  email: string;
  at: number;
}

interface Outcome {
  at: number;
  ok: boolean;
  unavailable: boolean;
}

export interface FailoverReport {
  requests: number;
  /** Requests answered between the stop and the recovery. */
  during: { ok: number; unavailable: number };
  after: { ok: number; unavailable: number };
  /** From the stop to the end of the last request answered 503. */
  outageMs: number;
  /** From the stop until the store reported the replica promoted. */
  promotionMs: number;
  violations: string[];
  acknowledged: number;
  lost: number;
}

/**
 * A bounded loopback load on one app instance: clients that each send one request at a time,
 * reading (`GET /auth/me`, a guarded route) and writing (`PUT /preferences`) signed-in sessions
 * and signing new ones in. Every answer must be a success or 503 SESSION_STORE_UNAVAILABLE;
 * anything else (a 500, a 401 for a live session, a network error) is a violation.
 */
export class FailoverLoad {
  readonly acknowledged: Acknowledged[] = [];
  private readonly outcomes: Outcome[] = [];
  private readonly violations: string[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private turn = 0;

  constructor(private readonly url: string) {}

  async signIn(count: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: SIGN_IN_CONCURRENCY }, async () => {
        while (next < count) {
          next++;
          const answer = await this.login();
          if (answer?.status !== 200) {
            throw new Error(`sign-in answered ${answer?.status}: ${JSON.stringify(answer?.body)}`);
          }
        }
      }),
    );
  }

  start(clients: number): void {
    this.running = true;
    this.loops = Array.from({ length: clients }, () => this.loop());
  }

  async runFor(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Waits until no request has been answered 503 for `windowMs` (with successes in that window);
   * resolves with that moment's time.
   */
  async untilHealthyFor(windowMs: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = Date.now();
      const recent = this.outcomes.filter((outcome) => outcome.at > now - windowMs);
      const lastFailure = this.lastUnavailableAt() ?? 0;
      if (now - lastFailure > windowMs && recent.some((outcome) => outcome.ok)) return now;
      if (now > deadline) throw new Error(`the app did not recover within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Reads every acknowledged session once more (retrying 503s): the ones that are gone. */
  async sessionsLost(): Promise<{ checked: number; lost: number }> {
    let lost = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: SIGN_IN_CONCURRENCY }, async () => {
        while (next < this.acknowledged.length) {
          const { session, email } = this.acknowledged[next++];
          let answer: HttpAnswer | undefined;
          for (let attempt = 0; attempt < 20; attempt++) {
            answer = await session.clone().send(this.url, 'GET', '/auth/me');
            if (answer.status !== 503) break;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
          if (answer?.status !== 200 || answer.body.user.email !== email) lost++;
        }
      }),
    );
    return { checked: this.acknowledged.length, lost };
  }

  report(
    stoppedAt: number,
    recoveredAt: number,
    promotionMs: number,
    lost: { lost: number },
  ): FailoverReport {
    const count = (from: number, to: number) => {
      const window = this.outcomes.filter((outcome) => outcome.at >= from && outcome.at < to);
      return {
        ok: window.filter((outcome) => outcome.ok).length,
        unavailable: window.filter((outcome) => outcome.unavailable).length,
      };
    };
    const lastFailure = this.lastUnavailableAt();
    return {
      requests: this.outcomes.length,
      during: count(stoppedAt, recoveredAt),
      after: count(recoveredAt, Infinity),
      outageMs: lastFailure === undefined ? 0 : lastFailure - stoppedAt,
      promotionMs,
      violations: this.violations.slice(0, 20),
      acknowledged: this.acknowledged.length,
      lost: lost.lost,
    };
  }

  private lastUnavailableAt(): number | undefined {
    for (let i = this.outcomes.length - 1; i >= 0; i--) {
      if (this.outcomes[i].unavailable) return this.outcomes[i].at;
    }
    return undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const roll = Math.random();
      if (roll < 0.1 || this.acknowledged.length === 0) {
        await this.login();
        continue;
      }
      const { session, email } =
        this.acknowledged[Math.floor(Math.random() * this.acknowledged.length)];
      if (roll < 0.7) {
        const answer = await this.send(session.clone(), 'GET', '/auth/me');
        if (answer?.status === 200 && answer.body.user?.email !== email) {
          this.violations.push(`GET /auth/me answered ${answer.body.user?.email} for ${email}`);
        }
      } else {
        await this.send(session.clone(), 'PUT', '/preferences', {
          pageSize: 1 + Math.floor(Math.random() * 100),
        });
      }
    }
  }

  private async login(): Promise<HttpAnswer | undefined> {
    const email = EMAILS[this.turn++ % EMAILS.length];
    const session = new HttpSession();
    const started = Date.now();
    const answer = await this.record('POST /auth/login', () => session.logIn(this.url, email));
    if (answer?.status === 200) this.acknowledged.push({ session, email, at: started });
    return answer;
  }

  private send(
    session: HttpSession,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<HttpAnswer | undefined> {
    return this.record(`${method} ${path}`, () => session.send(this.url, method, path, body));
  }

  private async record(
    what: string,
    request: () => Promise<HttpAnswer>,
  ): Promise<HttpAnswer | undefined> {
    let answer: HttpAnswer;
    try {
      answer = await request();
    } catch (err) {
      this.violations.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const unavailable = answer.status === 503 && answer.body?.code === 'SESSION_STORE_UNAVAILABLE';
    const ok = answer.status >= 200 && answer.status < 300;
    if (!ok && !unavailable) {
      this.violations.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    this.outcomes.push({ at: Date.now(), ok, unavailable });
    return answer;
  }
}

/** Prints what the issue asks every failover run to tell: the outage and the sessions lost. */
export function reportFailover(label: string, report: FailoverReport): void {
  console.log(
    `[failover] ${label}: outage ${report.outageMs} ms (replica promoted after ` +
      `${report.promotionMs} ms); ${report.requests} requests, ${report.during.unavailable} answered ` +
      `503 and ${report.during.ok} succeeded during the failover; sessions lost: ${report.lost} of ` +
      `${report.acknowledged} acknowledged; violations: ${report.violations.length}`,
  );
}
