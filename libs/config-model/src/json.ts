import * as z from 'zod';
import { fieldErrorMap } from './issues';

/** A JSON value as it travels through config (Consul KV values, YAML/JSON files, API bodies). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const PROTO_KEY_MESSAGE = 'the key "__proto__" is not allowed';

/**
 * `__proto__` would reach the prototype when assigned (`obj[key] = …`): it is refused in every record
 * we parse so no parsed value can carry a surprising prototype (zod 4's records skip the key without
 * a word, which would drop it from a config silently).
 */
export const safeKeySchema = z.string().refine((key) => key !== '__proto__', { message: PROTO_KEY_MESSAGE });

/** `z.record(keys, values)` that refuses an own `__proto__` key of the input (zod would skip it). */
export function safeRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(keys: K, values: V) {
  return z.preprocess(
    (value, ctx) => {
      if (isPlainObject(value) && Object.hasOwn(value, '__proto__'))
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: PROTO_KEY_MESSAGE, input: value });
      return value;
    },
    z.record(keys, values, { error: fieldErrorMap }),
  );
}

export const jsonValueSchema: z.ZodType<JsonValue, unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), jsonObjectSchema]),
);

export const jsonObjectSchema: z.ZodType<JsonObject, unknown> = safeRecord(safeKeySchema, jsonValueSchema);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** JSON text with object keys sorted: equal values give equal text (for fingerprints). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isPlainObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined)
      Object.defineProperty(sorted, key, { value: sortKeysDeep(value[key]), enumerable: true });
  }
  return sorted;
}
