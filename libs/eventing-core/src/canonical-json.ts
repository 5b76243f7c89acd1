/**
 * Canonical JSON: object keys sorted by UTF-16 code units (as RFC 8785 JCS does), no whitespace,
 * numbers and strings as JSON.stringify writes them. The same value always gives the same bytes,
 * whatever the key insertion order it was built or parsed with.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** True for objects created by `{}` / JSON.parse / Object.create(null). */
function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Why `value` itself (not its members) is not JSON, or undefined when it may be written. */
function refusalOf(value: unknown): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value} is not representable in JSON`;
  if (typeof value === 'object' && (Array.isArray(value) || isPlainObject(value))) return undefined;
  const kind = value === undefined ? 'undefined' : typeof value === 'object' ? 'non-plain object' : typeof value;
  return `${kind} is not JSON`;
}

/** Thrown inside `write` on the first value that is not JSON; `canonicalJson` turns it into a TypeError naming the path. */
class NotJson extends Error {}

/** The canonical text of `value`, without the paths an error message needs (the hot path). */
function write(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value === 'boolean') return value === null ? 'null' : String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJson();
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) text += (index === 0 ? '' : ',') + write(value[index]);
    return `${text}]`;
  }
  if (typeof value !== 'object' || !isPlainObject(value)) throw new NotJson();
  const keys = Object.keys(value).sort(); // default sort: by UTF-16 code units, as canonical JSON needs
  let text = '{';
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    text += (text.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + write(member);
  }
  return `${text}}`;
}

/** The path and reason of the first value in `value` that is not JSON (the slow walk, on errors only). */
function firstRefusal(value: unknown, path: string): string | undefined {
  const refusal = refusalOf(value);
  if (refusal !== undefined) return `${path}: ${refusal}`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = firstRefusal(value[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      const found = member === undefined ? undefined : firstRefusal(member, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Canonical JSON text of `value`; throws TypeError (naming the path) on anything JSON cannot hold. */
export function canonicalJson(value: unknown, path = '$'): string {
  try {
    return write(value);
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    throw new TypeError(firstRefusal(value, path) ?? `${path}: not JSON`);
  }
}
