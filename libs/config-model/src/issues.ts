import * as z from 'zod';

/** One validation problem, as a 400 response or a config-file error lists it. */
export interface FieldIssue {
  /** dotted path of the offending field (`triggers.url`, `secrets.webhook.0`); `(root)` for the whole value */
  field: string;
  message: string;
}

export const ROOT_FIELD = '(root)';

export function joinFieldPath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.length > 0 ? parts.join('.') : ROOT_FIELD;
}

/** zod 3's name for the type of a value, as the API's messages have always said it ('float' only where an integer is expected). */
function receivedType(value: unknown, expected: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    return expected === 'int' && !Number.isInteger(value) ? 'float' : 'number';
  }
  return typeof value;
}

/** zod 3's names of the types zod 4 calls otherwise */
const EXPECTED_NAMES: Partial<Record<string, string>> = { int: 'integer', record: 'object' };

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

function sizeMessage(issue: RawIssue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const bound = String(small ? issue.minimum : issue.maximum);
  const exact = 'exact' in issue && issue.exact === true;
  switch (issue.origin) {
    case 'string':
      if (exact) return `String must contain exactly ${bound} character(s)`;
      return `String must contain ${issue.inclusive ? (small ? 'at least' : 'at most') : small ? 'over' : 'under'} ${bound} character(s)`;
    case 'array':
    case 'set':
      if (exact) return `Array must contain exactly ${bound} element(s)`;
      return `Array must contain ${issue.inclusive ? (small ? 'at least' : 'at most') : small ? 'more than' : 'less than'} ${bound} element(s)`;
    default:
      return `Number must be ${small ? 'greater' : 'less'} than ${issue.inclusive ? 'or equal to ' : ''}${bound}`;
  }
}

function isLiteral(inst: RawIssue['inst']): boolean {
  const def = inst?._zod.def;
  return def !== undefined && 'type' in def && def.type === 'literal';
}

/**
 * The texts of the issues our schemas give no message of their own (zod's defaults), in the words
 * the API has always answered with. They never echo the rejected input: a value a user put in the
 * wrong field may be a secret, and these messages end up in responses and logs. Pass it to every
 * parse whose issues reach a user (`safeParseFields` does).
 */
export const fieldErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'number' && typeof issue.input === 'number' && !Number.isNaN(issue.input))
        return 'Number must be finite';
      return `expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected}, received ${receivedType(issue.input, issue.expected)}`;
    case 'invalid_value':
      if (isLiteral(issue.inst) && issue.values.length === 1) return `must be ${JSON.stringify(issue.values[0])}`;
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.join(', ')}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_format':
      return issue.format === 'regex' ? 'Invalid' : `Invalid ${issue.format}`;
    default:
      return undefined;
  }
};

/**
 * zod issues → `[{ field, message }]`, a union's closest branch and a record key's own issues in place.
 * The messages are the parse's: parse with `fieldErrorMap` (as `safeParseFields` does) for the API's.
 */
function formatZodIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return flattenIssues(error.issues, [], prefix);
}

/**
 * zod 4's `.int()` adds the safe-integer range as a bound of its own: beside a schema's real bound on the
 * same field, that second "at most 9007199254740991" says nothing more (zod 3 gave the real bound alone).
 */
function withoutSafeIntegerBound(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const key = (issue: z.core.$ZodIssue): string => `${issue.code}:${issue.path.map(String).join('.')}`;
  const isSafeBound = (issue: z.core.$ZodIssue): boolean =>
    (issue.code === 'too_big' && Number(issue.maximum) === Number.MAX_SAFE_INTEGER) ||
    (issue.code === 'too_small' && Number(issue.minimum) === Number.MIN_SAFE_INTEGER);
  const real = new Set(issues.filter((issue) => !isSafeBound(issue)).map(key));
  return issues.filter((issue) => !isSafeBound(issue) || !real.has(key(issue)));
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], base: PropertyKey[], prefix?: string): FieldIssue[] {
  return withoutSafeIntegerBound(issues).flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest (its deepest issue) rather than "Invalid input".
      const best = pickBestUnionBranch(issue.errors);
      if (best) return flattenIssues(best, path, prefix);
    }
    if (issue.code === 'invalid_key' && issue.issues.length > 0) return flattenIssues(issue.issues, path, prefix);
    return [{ field: joinFieldPath(path, prefix), message: issue.message }];
  });
}

function pickBestUnionBranch(branches: readonly z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  let best: z.core.$ZodIssue[] | undefined;
  let bestDepth = -1;
  for (const branch of branches) {
    const depth = Math.max(...branch.map((i) => (i.code === 'invalid_type' ? i.path.length - 0.5 : i.path.length)));
    if (depth > bestDepth) {
      best = branch;
      bestDepth = depth;
    }
  }
  return best;
}

export type FieldParseResult<T> = { success: true; data: T } | { success: false; issues: FieldIssue[] };

/** `schema.safeParse` with the API's messages (`fieldErrorMap`), its issues as fields under `prefix`. */
export function safeParseFields<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix?: string,
): FieldParseResult<z.output<S>> {
  const parsed = schema.safeParse(value, { error: fieldErrorMap });
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, issues: formatZodIssues(parsed.error, prefix) };
}
