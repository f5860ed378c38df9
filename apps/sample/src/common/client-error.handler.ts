import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface Refusal {
  statusCode: number;
  reason: string;
  code: string;
  message: string;
}

const HEADERS_TOO_LARGE: Refusal = {
  statusCode: 431,
  reason: 'Request Header Fields Too Large',
  code: 'HEADERS_TOO_LARGE',
  message: 'Request headers are too large',
};
const REQUEST_TIMEOUT: Refusal = {
  statusCode: 408,
  reason: 'Request Timeout',
  code: 'REQUEST_TIMEOUT',
  message: 'The request did not arrive in time',
};
const MALFORMED: Refusal = {
  statusCode: 400,
  reason: 'Bad Request',
  code: 'BAD_REQUEST',
  message: 'Malformed HTTP request',
};

const BY_ERROR_CODE: Record<string, Refusal> = {
  HPE_HEADER_OVERFLOW: HEADERS_TOO_LARGE,
  ERR_HTTP_REQUEST_TIMEOUT: REQUEST_TIMEOUT,
};

/**
 * What Node answers itself, before Express sees a request (a malformed request line or header,
 * headers over the size limit, a request that is too slow), in the app's JSON error shape
 * instead of Node's bare status line.
 */
export function answerClientErrorsInJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { statusCode, reason, code, message } = BY_ERROR_CODE[err.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ statusCode, code, message });
    socket.end(
      `HTTP/1.1 ${statusCode} ${reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
