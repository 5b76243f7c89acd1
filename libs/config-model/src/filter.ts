import * as z from 'zod';
import { fieldErrorMap } from './issues';
import { type JsonObject, jsonEqual, jsonValueSchema } from './json';
import { compareOrdered, type JsonPath, lookupPath } from './json-path';
import {
  evaluateSpaceCloudRule,
  type SpaceCloudRule,
  spaceCloudRuleSchema,
  unsupportedSpaceCloudRules,
} from './space-cloud-rule';

/**
 * Payload filter language (see README): a list of conditions, all of which must hold (AND).
 *
 *   { path, op: 'eq' | 'neq', value }      deep JSON equality; a missing field is "not equal"
 *   { path, op: 'in' | 'nin', value: [] }  membership by deep equality; a missing field is "not in"
 *   { path, op: 'exists', value?: bool }   field present (null counts) — or absent with false
 *   { path, op: 'gt'|'gte'|'lt'|'lte', value: number | string }  same-type ordering, else false
 *
 * `path` is dotted (`order.items.0.sku`, decimal segments index arrays) or an array of segments for
 * keys that contain dots. An empty list (or no filter) matches every payload. A Space Cloud rule
 * object is accepted too (see space-cloud-rule.ts).
 */
export const MAX_FILTER_CONDITIONS = 50;

const segmentsSchema = z.array(z.string().min(1).max(256)).min(1).max(32);
export const jsonPathSchema: z.ZodType<JsonPath, unknown> = z.union([
  z
    .string()
    .max(1024)
    .refine((path) => path.split('.').every((segment) => segment.length > 0), {
      message: 'must be a dotted path with non-empty segments, e.g. "order.status"',
    }),
  segmentsSchema,
]);

const orderedValue = z.union([z.number(), z.string()]);

export const filterConditionSchema = z.discriminatedUnion('op', [
  z.object({ path: jsonPathSchema, op: z.enum(['eq', 'neq']), value: jsonValueSchema }).strict(),
  z.object({ path: jsonPathSchema, op: z.enum(['in', 'nin']), value: z.array(jsonValueSchema).max(1000) }).strict(),
  z.object({ path: jsonPathSchema, op: z.literal('exists'), value: z.boolean().default(true) }).strict(),
  z.object({ path: jsonPathSchema, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: orderedValue }).strict(),
]);
export type FilterCondition = z.output<typeof filterConditionSchema>;
export type FilterConditionInput = z.input<typeof filterConditionSchema>;

export const filterConditionsSchema = z.array(filterConditionSchema).max(MAX_FILTER_CONDITIONS);

export type PayloadFilter = FilterCondition[] | SpaceCloudRule;

/** Either form; the shape (array or object) picks the schema so errors point at the right fields. */
export const payloadFilterSchema: z.ZodType<PayloadFilter, unknown> = z.unknown().transform((value, ctx) => {
  const schema: z.ZodType<PayloadFilter, unknown> = Array.isArray(value)
    ? filterConditionsSchema
    : spaceCloudRuleSchema;
  const result = schema.safeParse(value, { error: fieldErrorMap });
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
  return z.NEVER;
});

export function matchesCondition(condition: FilterCondition, payload: unknown): boolean {
  const field = lookupPath(payload, condition.path);
  switch (condition.op) {
    case 'eq':
      return field.found && jsonEqual(field.value, condition.value);
    case 'neq':
      return !(field.found && jsonEqual(field.value, condition.value));
    case 'in':
      return field.found && condition.value.some((item) => jsonEqual(field.value, item));
    case 'nin':
      return !(field.found && condition.value.some((item) => jsonEqual(field.value, item)));
    case 'exists':
      return field.found === condition.value;
    default:
      return field.found && compareOrdered(field.value, condition.op, condition.value);
  }
}

/** Does `payload` pass `filter`? No filter (or an empty list) matches everything. */
export function matchesFilter(filter: PayloadFilter | null | undefined, payload: unknown): boolean {
  if (filter === null || filter === undefined) return true;
  if (Array.isArray(filter)) return filter.every((condition) => matchesCondition(condition, payload));
  return evaluateSpaceCloudRule(filter, payload);
}

/**
 * Space Cloud trigger `options` against the options queued with an event: every option the trigger
 * names must be present on the event with an equal value (Space Cloud's rule). No options → match.
 */
export function matchesOptions(
  triggerOptions: JsonObject | null | undefined,
  eventOptions: JsonObject | null | undefined,
): boolean {
  if (!triggerOptions) return true;
  const provided = eventOptions ?? {};
  return Object.entries(triggerOptions).every(
    ([name, expected]) => Object.hasOwn(provided, name) && jsonEqual(provided[name], expected),
  );
}

/** Human-readable warnings about a filter that is valid but will not behave as its author may think. */
export function filterWarnings(filter: PayloadFilter | null | undefined): string[] {
  if (filter === null || filter === undefined || Array.isArray(filter)) return [];
  return unsupportedSpaceCloudRules(filter).map(
    (rule) => `Space Cloud rule "${rule}" is not evaluated by Spaceport; this filter matches no event through it`,
  );
}
