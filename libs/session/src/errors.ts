import { HttpException, HttpStatus } from '@nestjs/common';

/** The stable machine-readable codes every part of the library answers with. */
export const SessionErrorCode = {
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  INSUFFICIENT_PERMISSIONS: 'INSUFFICIENT_PERMISSIONS',
  ACCESS_DENIED: 'ACCESS_DENIED',
  RESOURCE_NOT_FOUND: 'RESOURCE_NOT_FOUND',
  REAUTH_REQUIRED: 'REAUTH_REQUIRED',
  SESSION_TIMEOUT: 'SESSION_TIMEOUT',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  IP_MISMATCH: 'IP_MISMATCH',
  USER_AGENT_MISMATCH: 'USER_AGENT_MISMATCH',
  CSRF_INVALID: 'CSRF_INVALID',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  SESSION_STORE_UNAVAILABLE: 'SESSION_STORE_UNAVAILABLE',
  SESSION_DATA_TOO_LARGE: 'SESSION_DATA_TOO_LARGE',
  AMBIGUOUS_SESSION: 'AMBIGUOUS_SESSION',
  SESSION_LOGGED_OUT: 'SESSION_LOGGED_OUT',
  SESSION_REVOKED: 'SESSION_REVOKED',
  SESSION_EVICTED: 'SESSION_EVICTED',
  SESSION_UPDATE_CONFLICT: 'SESSION_UPDATE_CONFLICT',
} as const;

export type SessionErrorCode = (typeof SessionErrorCode)[keyof typeof SessionErrorCode];

/** The one error body shape: `{ statusCode, code, message }` plus documented extra fields. */
export interface SessionErrorBody {
  statusCode: number;
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** An HTTP error with a stable `code`; Nest renders its body as it is. */
export class SessionHttpException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super({ ...extra, statusCode: status, code, message } satisfies SessionErrorBody, status);
  }
}

/** Factories for the errors the library throws, so each code has one wording. */
export const SessionErrors = {
  authRequired: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      SessionErrorCode.AUTH_REQUIRED,
      'Authentication required',
    ),
  insufficientPermissions: (requiredRoles: string[], userRoles: string[]) =>
    new SessionHttpException(
      HttpStatus.FORBIDDEN,
      SessionErrorCode.INSUFFICIENT_PERMISSIONS,
      'Insufficient permissions',
      { requiredRoles, userRoles },
    ),
  accessDenied: () =>
    new SessionHttpException(
      HttpStatus.FORBIDDEN,
      SessionErrorCode.ACCESS_DENIED,
      'You do not have access to this resource',
    ),
  resourceNotFound: () =>
    new SessionHttpException(
      HttpStatus.NOT_FOUND,
      SessionErrorCode.RESOURCE_NOT_FOUND,
      'Resource not found',
    ),
  reauthRequired: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      SessionErrorCode.REAUTH_REQUIRED,
      'This action requires a recent login: confirm your password first',
    ),
  sessionTimeout: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      SessionErrorCode.SESSION_TIMEOUT,
      'The session timed out after inactivity',
    ),
  sessionExpired: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      SessionErrorCode.SESSION_EXPIRED,
      'The session reached its maximum lifetime',
    ),
  ipMismatch: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      SessionErrorCode.IP_MISMATCH,
      'The session was used from another IP address',
    ),
  userAgentMismatch: () =>
    new SessionHttpException(
      HttpStatus.UNAUTHORIZED,
      SessionErrorCode.USER_AGENT_MISMATCH,
      'The session was used from another user agent',
    ),
  csrfInvalid: (reason = 'Missing or invalid CSRF token') =>
    new SessionHttpException(HttpStatus.FORBIDDEN, SessionErrorCode.CSRF_INVALID, reason),
  sessionNotFound: () =>
    new SessionHttpException(
      HttpStatus.NOT_FOUND,
      SessionErrorCode.SESSION_NOT_FOUND,
      'Session not found',
    ),
  storeUnavailable: () =>
    new SessionHttpException(
      HttpStatus.SERVICE_UNAVAILABLE,
      SessionErrorCode.SESSION_STORE_UNAVAILABLE,
      'The session store is unavailable; try again shortly',
    ),
  ambiguousSession: () =>
    new SessionHttpException(
      HttpStatus.BAD_REQUEST,
      SessionErrorCode.AMBIGUOUS_SESSION,
      'The request carries both a session cookie and a session token: send one',
    ),
  updateConflict: (key: string) =>
    new SessionHttpException(
      HttpStatus.CONFLICT,
      SessionErrorCode.SESSION_UPDATE_CONFLICT,
      `Too many concurrent changes to the session's "${key}"; try again`,
    ),
  dataTooLarge: (what: string, limit: string) =>
    new SessionHttpException(
      HttpStatus.PAYLOAD_TOO_LARGE,
      SessionErrorCode.SESSION_DATA_TOO_LARGE,
      `${what} exceeds the session limit of ${limit}`,
    ),
};

/** One invalid option: its path (`cookie.sameSite`) and what is wrong with it. */
export interface SessionOptionProblem {
  option: string;
  problem: string;
}

/**
 * Thrown at start-up when the module's options are invalid. Every problem found is reported at
 * once, in `problems` and in the one-line message, each naming its option; `option` is the first.
 */
export class SessionConfigurationError extends Error {
  readonly option: string;
  readonly problems: readonly SessionOptionProblem[];

  constructor(option: string, problem: string);
  constructor(problems: SessionOptionProblem[]);
  constructor(optionOrProblems: string | SessionOptionProblem[], problem = 'invalid value') {
    const problems =
      typeof optionOrProblems === 'string'
        ? [{ option: optionOrProblems, problem }]
        : optionOrProblems;
    super(describeProblems(problems));
    this.name = 'SessionConfigurationError';
    this.option = problems[0]?.option ?? '';
    this.problems = problems;
  }
}

function describeProblems(problems: SessionOptionProblem[]): string {
  const each = problems.map(({ option, problem }) => `"${option}": ${problem}`);
  if (each.length === 1) return `nest-session-kit: invalid option ${each[0]}`;
  return `nest-session-kit: ${each.length} invalid options: ${each.join('; ')}`;
}

/** Thrown when the session store cannot be reached; mapped to 503 SESSION_STORE_UNAVAILABLE. */
export class SessionStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionStoreError';
  }
}
