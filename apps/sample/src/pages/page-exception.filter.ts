import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { errorCodeOf } from './page-form';
import { PageResponder } from './page-responder';
import { errorView, forbiddenView } from './views/error.view';
import { redirectTo, endIfSent } from './page-reply';

/**
 * Errors on the page routes as a person should see them: a session that is missing or ended
 * sends the browser to the sign-in page, a denial is the 403 page, anything else an error page
 * with its status (never a stack trace).
 */
@Catch()
export class PageExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(private readonly pages: PageResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (endIfSent(res)) return;
    const status =
      exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status === HttpStatus.UNAUTHORIZED) return redirectTo(res, '/login');
    if (status === HttpStatus.FORBIDDEN) return this.forbidden(req, res, errorCodeOf(exception));
    if (status >= 500) this.logger.error(describe(exception));
    const [title, message] =
      status === HttpStatus.NOT_FOUND
        ? ['Not found', 'There is nothing at this address.']
        : status === HttpStatus.SERVICE_UNAVAILABLE
          ? ['Unavailable', 'The session store does not answer. Try again in a moment.']
          : status >= 500
            ? ['Something went wrong', 'The page could not be shown. Try again in a moment.']
            : ['Bad request', 'The request could not be understood.'];
    this.pages.send(req, res, title, errorView(title, message), status);
  }

  private forbidden(req: Request, res: Response, code: string | undefined): void {
    const message =
      code === 'CSRF_INVALID'
        ? 'This form has expired or was sent from another site. Go back, reload the page and try again.'
        : 'You do not have permission to see this page.';
    this.pages.send(req, res, 'Access denied', forbiddenView(message), HttpStatus.FORBIDDEN);
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}
