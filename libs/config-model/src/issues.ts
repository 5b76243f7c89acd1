import { type ZodError, type ZodIssue, ZodIssueCode } from 'zod';

/** One validation problem, as a 400 response or a config-file error lists it. */
export interface FieldIssue {
  /** dotted path of the offending field (`triggers.url`, `secrets.webhook.0`); `(root)` for the whole value */
  field: string;
  message: string;
}

export const ROOT_FIELD = '(root)';

export function joinFieldPath(path: readonly (string | number)[], prefix?: string): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.length > 0 ? parts.join('.') : ROOT_FIELD;
}

/**
 * zod issues → `[{ field, message }]`. Messages never echo the rejected input: zod's own texts for
 * enum and literal mismatches do ("received 'whsec_…'"), so those are rewritten. A value a user put in
 * the wrong field may be a secret, and these messages end up in responses and logs.
 */
export function formatZodIssues(error: ZodError, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue) => flattenIssue(issue, prefix));
}

function flattenIssue(issue: ZodIssue, prefix?: string): FieldIssue[] {
  if (issue.code === ZodIssueCode.invalid_union) {
    // Report the branch that got furthest (its deepest issue) rather than "Invalid input".
    const best = pickBestUnionBranch(issue.unionErrors);
    if (best) return formatZodIssues(best, prefix);
  }
  return [{ field: joinFieldPath(issue.path, prefix), message: safeMessage(issue) }];
}

function pickBestUnionBranch(branches: ZodError[]): ZodError | undefined {
  let best: ZodError | undefined;
  let bestDepth = -1;
  for (const branch of branches) {
    const depth = Math.max(
      ...branch.issues.map((i) => (i.code === ZodIssueCode.invalid_type ? i.path.length - 0.5 : i.path.length)),
    );
    if (depth > bestDepth) {
      best = branch;
      bestDepth = depth;
    }
  }
  return best;
}

function safeMessage(issue: ZodIssue): string {
  switch (issue.code) {
    case ZodIssueCode.invalid_enum_value:
      return `must be one of: ${issue.options.map(String).join(', ')}`;
    case ZodIssueCode.invalid_literal:
      return `must be ${JSON.stringify(issue.expected)}`;
    case ZodIssueCode.invalid_type:
      return issue.received === 'undefined' ? 'is required' : `expected ${issue.expected}, received ${issue.received}`;
    case ZodIssueCode.unrecognized_keys:
      return `unknown field(s): ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}
