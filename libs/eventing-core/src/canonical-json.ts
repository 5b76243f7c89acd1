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

/** Canonical JSON text of `value`; throws TypeError (naming the path) on anything JSON cannot hold. */
export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not representable in JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown, index) => canonicalJson(item, `${path}[${index}]`)).join(',')}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const members = keys.filter((key) => value[key] !== undefined);
    return `{${members.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key], `${path}.${key}`)}`).join(',')}}`;
  }
  const kind = value === undefined ? 'undefined' : typeof value === 'object' ? 'non-plain object' : typeof value;
  throw new TypeError(`${path}: ${kind} is not JSON`);
}
