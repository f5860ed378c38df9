import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { errorBodyOf } from 'nest-session-kit';

interface FastifyReplyLike {
  raw: unknown;
  status(code: number): FastifyReplyLike;
  type(contentType: string): FastifyReplyLike;
  send(payload: string): unknown;
}

/** Every error leaves as `{ statusCode, code, message, ...extra }`: no stack, no paths. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  /** Outside http (a GraphQL resolver) the error goes back to its own transport's formatter. */
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const reply = host.switchToHttp().getResponse<Response | FastifyReplyLike>();
    // Express' response is Node.js' own; Fastify's reply has it as `.raw`.
    const res = ('raw' in reply ? reply.raw : reply) as Response;
    const { status, body } = this.toBody(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    const retryAfter = (exception as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if ('raw' in reply) {
      reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
      return;
    }
    res.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (!(exception instanceof HttpException)) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : exception,
      );
      const status = HttpStatus.INTERNAL_SERVER_ERROR;
      return {
        status,
        body: { statusCode: status, code: 'INTERNAL_ERROR', message: 'Internal server error' },
      };
    }
    const body = errorBodyOf(exception);
    return { status: body.statusCode, body: { ...body } };
  }
}
