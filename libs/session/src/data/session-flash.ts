import type { Request } from 'express';
import { SessionErrors } from '../errors';
import type { AppSession } from '../session.types';
import { assertSafeKey, requireSession } from './session-data.guards';
import type { FlashMessage, SessionHelperData } from './session-data.types';

export interface FlashLimits {
  /** Messages kept per type; past it the oldest of that type is dropped. @default 10 */
  maxPerType?: number;
  /** Distinct types held at once; one more is refused with 413. @default 10 */
  maxTypes?: number;
  /** Characters in one message; a longer one is refused with 413. @default 1000 */
  maxMessageLength?: number;
}

/**
 * Flash messages: set one by type (`success`, `error`, ...) before a redirect, and read them
 * once on the next request (reading clears). Kept at `session.flash` as messages by type.
 * Reading when there is nothing to read leaves the session untouched.
 */
export class SessionFlash {
  private readonly maxPerType: number;
  private readonly maxTypes: number;
  private readonly maxMessageLength: number;

  private readonly session: AppSession & SessionHelperData;

  constructor(session: AppSession, limits: FlashLimits = {}) {
    this.session = session as AppSession & SessionHelperData;
    this.maxPerType = limits.maxPerType ?? 10;
    this.maxTypes = limits.maxTypes ?? 10;
    this.maxMessageLength = limits.maxMessageLength ?? 1000;
  }

  static of(req: Request, limits?: FlashLimits): SessionFlash {
    return new SessionFlash(requireSession(req), limits);
  }

  /** Adds a message of a type, to be shown once. */
  add(type: string, message: string): void {
    assertSafeKey('flash type', type);
    if (message.length > this.maxMessageLength) {
      throw SessionErrors.dataTooLarge('A flash message', `${this.maxMessageLength} characters`);
    }
    const stored = this.session.flash ?? {};
    const existing = Object.hasOwn(stored, type) ? stored[type] : [];
    if (existing.length === 0 && Object.keys(stored).length >= this.maxTypes) {
      throw SessionErrors.dataTooLarge('Flash messages', `${this.maxTypes} types`);
    }
    this.session.flash = { ...stored, [type]: [...existing, message].slice(-this.maxPerType) };
  }

  /** The messages of one type, oldest first, without clearing them. */
  peek(type: string): string[] {
    const stored = this.session.flash;
    return stored && Object.hasOwn(stored, type) ? [...stored[type]] : [];
  }

  /** Every message, type by type, without clearing them. */
  peekAll(): FlashMessage[] {
    return Object.entries(this.session.flash ?? {}).flatMap(([type, messages]) =>
      messages.map((message) => ({ type, message })),
    );
  }

  /** Reads the messages of one type once: they are cleared. */
  consume(type: string): string[] {
    const messages = this.peek(type);
    if (messages.length === 0) return messages;
    const { [type]: _read, ...rest } = this.session.flash ?? {};
    this.replace(rest);
    return messages;
  }

  /** Reads every message once: all are cleared. */
  consumeAll(): FlashMessage[] {
    const messages = this.peekAll();
    if (this.session.flash !== undefined) this.replace({});
    return messages;
  }

  private replace(remaining: Record<string, string[]>): void {
    if (Object.keys(remaining).length > 0) this.session.flash = remaining;
    else delete this.session.flash;
  }
}
