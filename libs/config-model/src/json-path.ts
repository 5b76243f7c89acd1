import { isPlainObject } from './json';

/** A payload path: `"order.items.0.sku"` or, for keys containing dots, `["order", "a.b"]`. */
export type JsonPath = string | readonly string[];

export function pathSegments(path: JsonPath): readonly string[] {
  return typeof path === 'string' ? path.split('.') : path;
}

export type PathLookup = { found: true; value: unknown } | { found: false };

/**
 * Walks `root` along `path`: object keys (own properties only) and array indexes (decimal
 * segments). `null` is a value (found); a missing key or out-of-range index is not found.
 */
export function lookupPath(root: unknown, path: JsonPath): PathLookup {
  let current: unknown = root;
  for (const segment of pathSegments(path)) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return { found: false };
      const index = Number(segment);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (isPlainObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false };
    }
    if (current === undefined) return { found: false };
  }
  return { found: true, value: current };
}

export type Ordering = 'gt' | 'gte' | 'lt' | 'lte';

/** Numbers compare as numbers, strings by code unit (ISO-8601 timestamps sort correctly); mixed → false. */
export function compareOrdered(left: unknown, op: Ordering, right: unknown): boolean {
  const comparable =
    (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const l = left as number | string;
  const r = right as number | string;
  switch (op) {
    case 'gt':
      return l > r;
    case 'gte':
      return l >= r;
    case 'lt':
      return l < r;
    case 'lte':
      return l <= r;
  }
}
