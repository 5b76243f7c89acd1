import * as z from 'zod';
import { isPlainObject, jsonEqual, type JsonValue, jsonValueSchema, safeKeySchema, safeRecord } from './json';
import { compareOrdered, lookupPath, type Ordering } from './json-path';

/**
 * A Space Cloud security rule used as a trigger `filter` (`{ rule, eval, type, f1, f2, clauses, … }`).
 * It is kept exactly as given (every field typed as JSON) so Space Cloud configs round-trip.
 *
 * Spaceport evaluates a subset, against the event payload:
 * - `allow` → match, `deny` → no match
 * - `and` / `or` over `clauses` (empty `and` matches, empty `or` does not)
 * - `match` with `eval` one of `==  !=  >  >=  <  <=  in  notIn`; `f1`/`f2` strings starting with
 *   `args.data` address the payload (`args.data.order.status`), any other value is a literal.
 *   `type` is not used: values compare as JSON (numbers with numbers, strings with strings).
 * Any other rule (`query`, `webhook`, `func`, …) is not evaluated and never matches (fail closed, as
 * Space Cloud drops an event whose filter errors); `filterWarnings` lists such rules for the API.
 */
export interface SpaceCloudRule {
  rule: string;
  [field: string]: JsonValue;
}

export const spaceCloudRuleSchema: z.ZodType<SpaceCloudRule, unknown> = safeRecord(safeKeySchema, jsonValueSchema)
  .superRefine((value, ctx) => {
    if (typeof value['rule'] !== 'string' || value['rule'] === '') {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: 'a Space Cloud rule needs a "rule" name' });
    }
  })
  .transform((value) => value as SpaceCloudRule);

export const SUPPORTED_SPACE_CLOUD_RULES = ['allow', 'deny', 'and', 'or', 'match'] as const;
const MATCH_EVALS: Record<string, Ordering | 'eq' | 'neq' | 'in' | 'notIn'> = {
  '==': 'eq',
  '!=': 'neq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  in: 'in',
  notIn: 'notIn',
};

const PAYLOAD_VARIABLE = 'args.data';

export function evaluateSpaceCloudRule(rule: unknown, payload: unknown, depth = 0): boolean {
  if (!isPlainObject(rule) || depth > 32) return false;
  switch (rule['rule']) {
    case 'allow':
      return true;
    case 'deny':
      return false;
    case 'and':
      return clausesOf(rule).every((clause) => evaluateSpaceCloudRule(clause, payload, depth + 1));
    case 'or':
      return clausesOf(rule).some((clause) => evaluateSpaceCloudRule(clause, payload, depth + 1));
    case 'match':
      return evaluateMatch(rule, payload);
    default:
      return false;
  }
}

function clausesOf(rule: Record<string, unknown>): unknown[] {
  const clauses = rule['clauses'];
  return Array.isArray(clauses) ? clauses : [];
}

type Operand = { found: true; value: unknown } | { found: false };

function resolveOperand(operand: unknown, payload: unknown): Operand {
  if (operand === undefined) return { found: false };
  if (typeof operand !== 'string' || !operand.startsWith(PAYLOAD_VARIABLE)) return { found: true, value: operand };
  if (operand === PAYLOAD_VARIABLE) return { found: true, value: payload };
  if (!operand.startsWith(`${PAYLOAD_VARIABLE}.`)) return { found: true, value: operand };
  return lookupPath(payload, operand.slice(PAYLOAD_VARIABLE.length + 1));
}

function matchEvalOf(rule: Record<string, unknown>): (typeof MATCH_EVALS)[string] | undefined {
  const name = rule['eval'];
  return typeof name === 'string' && Object.hasOwn(MATCH_EVALS, name) ? MATCH_EVALS[name] : undefined;
}

function evaluateMatch(rule: Record<string, unknown>, payload: unknown): boolean {
  const op = matchEvalOf(rule);
  if (!op) return false;
  const left = resolveOperand(rule['f1'], payload);
  const right = resolveOperand(rule['f2'], payload);
  if (op === 'neq') return !(left.found && right.found && jsonEqual(left.value, right.value));
  if (!right.found) return false;
  if (!left.found) return op === 'notIn' && Array.isArray(right.value);
  switch (op) {
    case 'eq':
      return jsonEqual(left.value, right.value);
    case 'in':
    case 'notIn': {
      const list = right.value;
      const member = Array.isArray(list) && list.some((item) => jsonEqual(item, left.value));
      return op === 'in' ? member : Array.isArray(list) && !member;
    }
    default:
      return compareOrdered(left.value, op, right.value);
  }
}

/** Names of rules in `rule` (recursively) that Spaceport does not evaluate. */
export function unsupportedSpaceCloudRules(rule: unknown, depth = 0): string[] {
  if (!isPlainObject(rule) || depth > 32) return [];
  const name = typeof rule['rule'] === 'string' ? rule['rule'] : '';
  const own = (SUPPORTED_SPACE_CLOUD_RULES as readonly string[]).includes(name) ? [] : [name];
  const nested = clausesOf(rule).flatMap((clause) => unsupportedSpaceCloudRules(clause, depth + 1));
  const badEval = name === 'match' && !matchEvalOf(rule) ? ['match(eval)'] : [];
  return [...own, ...badEval, ...nested];
}
