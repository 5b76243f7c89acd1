// What the hand-written schemas (the other files of this folder) are written with, and the bodies every
// API shares: the one error body and its field issues.
import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { SLUG_PATTERN } from '@spaceport/config-model';
import { ref } from '../body-schemas';

export type Schema = SchemaObject | ReferenceObject;
export type SchemaTable = Record<string, Schema>;

export const str = (description?: string): SchemaObject => ({
  type: 'string',
  ...(description ? { description } : {}),
});
export const obj = (
  properties: Record<string, Schema>,
  required: string[] = [],
  extra: SchemaObject = {},
): SchemaObject => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
  ...extra,
});
export const arrayOf = (items: Schema, extra: SchemaObject = {}): SchemaObject => ({ type: 'array', items, ...extra });
export const anyJson: SchemaObject = { description: 'any JSON value' };
export const jsonObject: SchemaObject = { type: 'object', additionalProperties: true };
export const slug: SchemaObject = { type: 'string', pattern: SLUG_PATTERN.source };
export const count = { type: 'integer', minimum: 0 } as const;

const fieldIssue = obj({ field: str('the field, dotted path (e.g. events.3.type) or a header name'), message: str() }, [
  'field',
  'message',
]);

const statusCode: SchemaObject = { type: 'integer', description: 'the HTTP status, again' };
const issues = arrayOf(ref('FieldIssue'), { description: 'every wrong field' });

/**
 * The one error body of every API (`errorBodyOf`, libs/app-runtime): `{statusCode, error, message,
 * issues?}`. The config API's differs only in `error` (its sentence) and a 409's `currentVersion`, so it
 * has a component of its own; what the gateway refuses before a route (415, 413) is `ApiError` there too.
 */
export const ERROR_SCHEMAS: SchemaTable = {
  FieldIssue: fieldIssue,
  ApiError: obj(
    {
      statusCode,
      error: str('HTTP reason phrase'),
      message: str('what went wrong, naming the field'),
      issues,
    },
    ['statusCode', 'error', 'message'],
    { additionalProperties: true },
  ),
  ConfigApiError: obj(
    {
      statusCode,
      error: str('what went wrong, as a sentence (e.g. `invalid body`, `project "p" not found`)'),
      message: str('the same, or the first wrong field (`url: must use http or https`)'),
      issues,
      currentVersion: { type: 'integer', description: '409: the version to read again' },
    },
    ['statusCode', 'error', 'message'],
  ),
};
