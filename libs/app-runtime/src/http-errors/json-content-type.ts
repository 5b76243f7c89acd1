import { type IncomingMessage } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;

/** True when the request carries a body (a declared non-zero length, or a chunked one). */
function hasBody(req: Pick<IncomingMessage, 'headers'>): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * Express middleware of every app (bootstrap.ts): a request body that is not JSON (`text/plain`, a form,
 * no content type) is refused with 415 saying that `application/json` is expected, instead of reaching
 * the route as an empty body. Requests without a body pass.
 */
export function requireJsonBody(
  req: Pick<IncomingMessage, 'headers'>,
  _res: unknown,
  next: (error?: unknown) => void,
): void {
  const type = req.headers['content-type'];
  if (!hasBody(req) || (type !== undefined && JSON_TYPE.test(type))) return next();
  next(
    new HttpException(
      {
        statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        error: 'Unsupported Media Type',
        message: `Content-Type: application/json is expected, got ${type === undefined ? 'none' : JSON.stringify(type)}`,
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    ),
  );
}
