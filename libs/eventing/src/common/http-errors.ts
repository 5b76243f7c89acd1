import { HttpException, HttpStatus } from '@nestjs/common';
import { type FieldIssue } from '@spaceport/config-model';

/** One problem of a request body: config-model's, which the config API's 400s list too. */
export type { FieldIssue };

/** 503 with `Retry-After` (seconds): Redis (or the config) is not available right now. */
export class UnavailableError extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super({ statusCode: 503, error: 'Service Unavailable', message }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

export function badRequest(issues: readonly FieldIssue[]): HttpException {
  const first = issues[0];
  const message = first ? `${first.field}: ${first.message}` : 'invalid body';
  return new HttpException({ statusCode: 400, error: 'Bad Request', message, issues }, HttpStatus.BAD_REQUEST);
}

/** The one error body with any status (an HttpStatus, or one Nest has no name for, as nginx's 499). */
export function httpError(status: HttpStatus | number, error: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error, message }, status);
}
