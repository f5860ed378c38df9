import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { ResolvedSessionOptions } from '../session.options';

/**
 * @internal express-session silently sends no Secure cookie over a plain-HTTP request, which
 * looks like sessions that never stick. This logs it once, with the likely fix.
 */
export class PlainHttpWarning {
  private readonly logger = new Logger('SessionModule');
  private warned = false;
  private readonly watching: boolean;

  constructor(private readonly options: ResolvedSessionOptions) {
    this.watching = options.cookie.secure === true;
  }

  check(req: Request): void {
    if (!this.watching || this.warned || req.secure || this.proxySaysHttps(req)) return;
    this.warned = true;
    const fix =
      this.options.trustProxy === false
        ? 'Behind a proxy that terminates TLS, set trustProxy (e.g. 1 for one proxy); '
        : 'The trusted proxy did not send X-Forwarded-Proto: https; ';
    this.logger.warn(
      `A request came over plain HTTP, so its Secure session cookie is not sent. ${fix}` +
        'for local HTTP development set cookie.secure: false. (Logged once.)',
    );
  }

  private proxySaysHttps(req: Request): boolean {
    const proto = req.headers['x-forwarded-proto'];
    return this.options.proxy === true && typeof proto === 'string' && proto.startsWith('https');
  }
}
