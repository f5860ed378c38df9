import { BadRequestException } from '@nestjs/common';
import { SessionErrors } from '../errors';
import { formatSessionGraphQLError } from './graphql-error.formatter';

const formatted = {
  message: 'whatever',
  locations: [{ line: 1, column: 9 }],
  path: ['me'],
  extensions: { code: 'UNAUTHENTICATED', stacktrace: ['at secret.js:1'] },
};

describe('formatSessionGraphQLError', () => {
  it('answers a library error with its code, status and extra fields as extensions', () => {
    const error = { originalError: SessionErrors.insufficientPermissions(['admin'], ['user']) };
    expect(formatSessionGraphQLError(formatted, error)).toEqual({
      message: 'Insufficient permissions',
      locations: formatted.locations,
      path: ['me'],
      extensions: {
        code: 'INSUFFICIENT_PERMISSIONS',
        statusCode: 403,
        requiredRoles: ['admin'],
        userRoles: ['user'],
      },
    });
  });

  it('names the code of an HttpException without one after its status', () => {
    const error = { originalError: new BadRequestException('bad input') };
    expect(formatSessionGraphQLError(formatted, error).extensions).toEqual({
      code: 'BAD_REQUEST',
      statusCode: 400,
    });
  });

  it("keeps GraphQL's own errors, without their stack trace", () => {
    const own = {
      message: 'Cannot query field',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['x'] },
    };
    expect(formatSessionGraphQLError(own, {})).toEqual({
      message: 'Cannot query field',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('masks an unknown error as INTERNAL_ERROR', () => {
    const error = { originalError: new Error('connection string postgres://secret') };
    const out = formatSessionGraphQLError(formatted, error);
    expect(out).toEqual({
      message: 'Internal server error',
      locations: formatted.locations,
      path: ['me'],
      extensions: { code: 'INTERNAL_ERROR', statusCode: 500 },
    });
  });
});
