import type { HttpException } from '@nestjs/common';
import type { SessionErrorBody } from './errors';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'AUTH_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The `{ statusCode, code, message, ...extra }` body of any HttpException: its own when it has
 * a code (every error of the library does), else one with a code named after the status.
 */
export function errorBodyOf(exception: HttpException): SessionErrorBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse() as unknown;
  if (isObject(response) && typeof response.code === 'string') {
    return { ...response, statusCode } as SessionErrorBody;
  }
  const message =
    typeof response === 'string'
      ? response
      : isObject(response) && typeof response.message === 'string'
        ? response.message
        : exception.message;
  const code = CODE_BY_STATUS[statusCode] ?? (statusCode >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
  return { statusCode, code, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
