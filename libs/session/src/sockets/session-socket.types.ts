import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * The part of a Socket.IO socket the library uses; described here so that nothing of socket.io
 * is imported (it stays the app's optional dependency).
 */
export interface SessionSocket {
  readonly id: string;
  readonly handshake: {
    headers: IncomingHttpHeaders;
    auth?: Record<string, unknown>;
    address?: string;
  };
  readonly request: IncomingMessage;
  readonly connected: boolean;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
  use(middleware: (packet: unknown[], next: (err?: Error) => void) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

/** A Socket.IO server or namespace middleware. */
export type SessionSocketMiddleware = (socket: SessionSocket, next: (err?: Error) => void) => void;
