import { type FieldIssue } from '@spaceport/config-model';
import { type WriteReply } from '../protocol';

export type IfMatch = { ok: true; version: number | undefined } | { ok: false; message: string };

/**
 * Pure: `If-Match` → the version the client read. Accepts `12`, `"12"` and `W/"12"` (our ETags are
 * `"<version>"`); absent = "the version this gateway currently sees".
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined || header.trim() === '') return { ok: true, version: undefined };
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match?.[1]) return { ok: false, message: 'If-Match must be a version as returned in ETag, e.g. "42"' };
  return { ok: true, version: Number(match[1]) };
}

export const etagOf = (version: number): string => `"${version}"`;

export interface HttpOutcome {
  status: number;
  body: { error: string; issues?: FieldIssue[]; currentVersion?: number };
}

/** Pure: a refused write → HTTP status and body. `what` names the entry (`trigger "x"`). */
export function refusalToHttp(reply: Exclude<WriteReply, { ok: true }>, what: string): HttpOutcome {
  switch (reply.reason) {
    case 'conflict':
      return {
        status: 409,
        body: {
          error: `${what} was changed by someone else (or does not match If-Match): read it again`,
          currentVersion: reply.currentVersion,
        },
      };
    case 'not-found':
      return { status: 404, body: { error: `${what} not found` } };
    case 'invalid':
      return { status: 400, body: { error: 'invalid body', issues: reply.issues } };
    case 'unavailable':
      return { status: 503, body: { error: `config store unavailable: ${reply.message}` } };
  }
}

/** Pure: validation issues → 400. */
export function invalidBody(issues: FieldIssue[]): HttpOutcome {
  return { status: 400, body: { error: 'invalid body', issues } };
}
