import { HttpException } from '@nestjs/common';

/** A form post's fields, as the urlencoded parser gives them. */
export type FormBody = Record<string, unknown> | undefined;

/** One text field of a form, or '' when it is missing, repeated or too long. */
export function formField(body: FormBody, name: string, maxLength = 200): string {
  const value = body?.[name];
  return typeof value === 'string' && value.length <= maxLength ? value : '';
}

/** The stable code of an error the app or the library threw, if it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof HttpException)) return undefined;
  const response = error.getResponse();
  const code =
    typeof response === 'object' && response ? (response as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The error's message as the JSON API would give it. */
export function errorMessageOf(error: unknown): string {
  return error instanceof HttpException ? error.message : 'Something went wrong';
}
