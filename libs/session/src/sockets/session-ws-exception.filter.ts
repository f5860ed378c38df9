import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { errorBodyOf } from '../error-body';

/**
 * For gateways (`@UseFilters(SessionWsExceptionFilter)`): a guard's or handler's error reaches
 * the client as the `exception` event with `{ statusCode, code, message }`, and as `{ error }` in
 * the message's acknowledgement when it asked for one. Unknown errors are logged, not shown.
 */
@Catch()
export class SessionWsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SessionWsExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const client = ws.getClient<{ emit?: (event: string, body: unknown) => unknown }>();
    const body = this.bodyOf(exception);
    const ack = host.getArgByIndex(2) as unknown;
    if (typeof ack === 'function') (ack as (reply: unknown) => void)({ error: body });
    client?.emit?.('exception', body);
  }

  private bodyOf(exception: unknown): Record<string, unknown> {
    if (exception instanceof HttpException) return errorBodyOf(exception);
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }
}
