import { STATUS_CODES } from 'node:http';

/** One problem of a request: the field (dotted path) and what is wrong with it. */
export interface ErrorIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * The one error body of every Spaceport HTTP API: `statusCode`, `error` (the HTTP reason, or the config
 * API's sentence), `message` (naming the field when one is wrong) and `issues` when fields are.
 * Other members an API adds (`currentVersion` of a 409) stay.
 */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly issues?: readonly ErrorIssue[];
  readonly [extra: string]: unknown;
}

function issuesOf(value: unknown): ErrorIssue[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const issues = value.filter(
    (entry): entry is ErrorIssue =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as ErrorIssue).field === 'string' &&
      typeof (entry as ErrorIssue).message === 'string',
  );
  return issues.length > 0 ? issues : undefined;
}

/**
 * Pure: an HTTP exception's response (Nest's own `{statusCode, message, error}`, the config API's
 * `{error, issues?}`, a string) as an ErrorBody with `status`. Adds what is missing, changes nothing an
 * API already says: `message` from the first issue (`field: message`), else the text there is.
 */
export function errorBodyOf(status: number, response: unknown): ErrorBody {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (typeof response === 'string') return { statusCode: status, error: reason, message: response };
  const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const issues = issuesOf(body['issues']);
  const raw = body['message'];
  const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map(String).join('; ') : undefined;
  const error = typeof body['error'] === 'string' ? body['error'] : reason;
  const first = issues?.[0];
  const message = text ?? (first ? `${first.field}: ${first.message}` : error);
  return { ...body, statusCode: status, error, message, ...(issues ? { issues } : {}) };
}
