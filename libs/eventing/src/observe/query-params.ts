import { isSlug } from '@spaceport/config-model';
import { badRequest } from '../common/http-errors';

// The observe API's query and body parameters, validated: a bad one is 400 naming it.

/** An RFC 3339 time or Unix ms → ms; absent or empty → undefined. */
export function timeParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest([{ field: name, message: 'must be an RFC 3339 time or Unix ms' }]);
  return ms;
}

/** `limit`: a page size in [1, 500], default 50. */
export function pageLimit(value: string | undefined): number {
  const limit = value === undefined ? 50 : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badRequest([{ field: 'limit', message: 'must be an integer in [1, 500]' }]);
  return limit;
}

/** `trigger`: a trigger id, when given. */
export function triggerParam(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isSlug(value))
    throw badRequest([{ field: 'trigger', message: 'must be a trigger id' }]);
  return value;
}
