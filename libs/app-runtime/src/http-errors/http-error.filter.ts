import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { errorBodyOf } from './error-body';

/**
 * A client error raised outside Nest's exceptions (the body parser's `http-errors`, e.g. 413 for a body
 * over the limit): its status and response, or undefined for anything else.
 */
function clientErrorOf(exception: unknown): { status: number; response: unknown } | undefined {
  if (exception instanceof HttpException) return { status: exception.getStatus(), response: exception.getResponse() };
  const candidate = exception as { statusCode?: unknown; message?: unknown } | null;
  const status = candidate?.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499 || typeof candidate?.message !== 'string')
    return undefined;
  return { status, response: { message: candidate.message } };
}

/**
 * The error filter of every app's HTTP server (bootstrap.ts): an HttpException — Nest's own 404 and
 * 400s, each API's — and the body parser's client errors (413) answer with `errorBodyOf`'s one shape;
 * anything else is Nest's 500 (logged by Nest).
 */
@Catch()
export class HttpErrorFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const error = host.getType() === 'http' ? clientErrorOf(exception) : undefined;
    const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (!error || !adapter) return super.catch(exception, host);
    const response = host.switchToHttp().getResponse<unknown>();
    adapter.reply(response, errorBodyOf(error.status, error.response), error.status);
  }
}
