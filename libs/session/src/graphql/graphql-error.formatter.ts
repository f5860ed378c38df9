import { HttpException, Logger } from '@nestjs/common';
import { errorBodyOf } from '../error-body';

/** The shape Apollo's `formatError` takes and returns (graphql's GraphQLFormattedError). */
export interface FormattedGraphQLError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

const logger = new Logger('SessionGraphQL');

/**
 * Apollo's `formatError` for GraphQL errors in the library's shape: an HttpException thrown by a
 * guard or a resolver (AUTH_REQUIRED, INSUFFICIENT_PERMISSIONS, VALIDATION_FAILED, ...) becomes an
 * error whose `extensions` are `{ code, statusCode, ...extra }`; GraphQL's own errors (syntax,
 * validation) keep their code; any other error is logged and answered as INTERNAL_ERROR. No
 * stack trace leaves. Use it with `autoTransformHttpErrors: false`:
 * `GraphQLModule.forRoot({ driver: ApolloDriver, autoTransformHttpErrors: false,
 *   formatError: formatSessionGraphQLError })`.
 */
export function formatSessionGraphQLError(
  formatted: FormattedGraphQLError,
  error: unknown,
): FormattedGraphQLError {
  const { locations, path } = formatted;
  const original = originalErrorOf(error);
  if (original instanceof HttpException) {
    const { statusCode, code, message, ...extra } = errorBodyOf(original);
    return { message, locations, path, extensions: { ...extra, code, statusCode } };
  }
  if (original === undefined || hasExtensions(original)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : original);
  return {
    message: 'Internal server error',
    locations,
    path,
    extensions: { code: 'INTERNAL_ERROR', statusCode: 500 },
  };
}

function hasExtensions(error: unknown): boolean {
  return typeof (error as { extensions?: unknown }).extensions === 'object';
}

/** What a resolver threw, under the GraphQLError that wraps it; undefined for GraphQL's own. */
function originalErrorOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const inner = (current as { originalError?: unknown } | null)?.originalError;
    if (inner === undefined || inner === null) break;
    current = inner;
  }
  return current === error ? undefined : current;
}
