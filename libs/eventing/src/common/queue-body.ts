import { hash } from 'node:crypto';
import { EVENT_TYPE_MAX_LENGTH, EVENT_TYPE_PATTERN, jsonObjectSchema, safeParseFields } from '@spaceport/config-model';
import { canonicalJson, type JsonValue } from '@spaceport/eventing-core';
import * as z from 'zod';
import { type FieldIssue } from './http-errors';
import { type QueuedEvent } from './queued-event';

/** Longest accepted `delay` / time ahead of `timestamp`: 30 days. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3_600_000;
export const MAX_BATCH_EVENTS = 500;

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Space Cloud's queue body (`QueueEventRequest`: type, delay, timestamp, payload, options,
 * isSynchronous) plus `partitionKey`. Unknown fields are rejected. The one schema on the
 * ingest hot path; `options` (rare) is checked by config-model's JSON object schema afterwards, so both
 * use one definition of a JSON object.
 */
export const queueEventSchema = z
  .object({
    type: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : undefined) })
      .min(1, { error: 'is required', abort: true })
      .max(EVENT_TYPE_MAX_LENGTH)
      .regex(EVENT_TYPE_PATTERN, { error: 'must not contain whitespace' }),
    payload: z.unknown().refine((value) => value !== undefined, { error: 'is required' }),
    delay: z.number().int().min(0).max(MAX_SCHEDULE_AHEAD_MS).optional(),
    // null: what space-api sends for an invalid Date (`JSON.stringify(new Date(NaN))`); Space Cloud reads it as absent
    timestamp: z
      .string()
      .regex(rfc3339, { error: 'must be an RFC 3339 date-time' })
      .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be a valid date-time' })
      .nullable()
      .optional(),
    options: z.unknown().optional(),
    isSynchronous: z.boolean().optional(),
    partitionKey: z.string().min(1).max(256).optional(),
  })
  .strict();

export const queueBatchSchema = z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS) }).strict();

export type QueueEventBody = z.output<typeof queueEventSchema>;

export type ParseResult = { ok: true; event: QueuedEvent } | { ok: false; issues: FieldIssue[] };

interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** zod issues as fields, each unknown field named on its own. */
function issuesOf(issues: readonly SchemaIssue[], prefix: string): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    if (issue.code !== 'unrecognized_keys') return [{ field: path || '(body)', message: issue.message }];
    return (issue.keys ?? []).map((key) => ({
      field: [path, key].filter((p) => p !== '').join('.'),
      message: 'unknown field',
    }));
  });
}

/** Validates one queue body at time `now`; `prefix` names it inside a batch (e.g. `events.3`). */
export function parseQueueEvent(body: unknown, now: number, prefix = ''): ParseResult {
  const parsed = queueEventSchema.safeParse(body);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error.issues, prefix) };
  const value = parsed.data;
  if (value.options !== undefined && value.options !== null) {
    // the config API's messages and union handling (the closest branch of a JSON value, not "Invalid input")
    const options = safeParseFields(jsonObjectSchema, value.options, [prefix, 'options'].filter((p) => p).join('.'));
    if (!options.success) return { ok: false, issues: options.issues };
  }
  let payloadJson: string;
  try {
    payloadJson = canonicalJson(value.payload);
  } catch (error) {
    return {
      ok: false,
      issues: [{ field: [prefix, 'payload'].filter((p) => p).join('.'), message: (error as Error).message }],
    };
  }
  const at = value.timestamp === undefined || value.timestamp === null ? 0 : Date.parse(value.timestamp);
  if (at > now + MAX_SCHEDULE_AHEAD_MS) {
    return {
      ok: false,
      issues: [{ field: [prefix, 'timestamp'].filter((p) => p).join('.'), message: 'is more than 30 days ahead' }],
    };
  }
  const notBefore = Math.max(value.delay === undefined ? 0 : now + value.delay, at > now ? at : 0);
  return {
    ok: true,
    event: {
      type: value.type,
      // canonicalJson accepted it, so it is plain JSON
      payload: value.payload as JsonValue,
      options: (value.options ?? undefined) as Record<string, JsonValue> | undefined,
      partitionKey: value.partitionKey,
      notBefore,
      ...(at > 0 ? { time: at } : {}),
      synchronous: value.isSynchronous === true,
      payloadJson,
      payloadBytes: Buffer.byteLength(payloadJson, 'utf8'),
      body,
    },
  };
}

/**
 * The idempotency hash of a request: SHA-256 hex of its form (single or batch) and the canonical JSON
 * of each body, so equal requests (key order aside) hash equal.
 */
export function requestHash(events: readonly QueuedEvent[], batch: boolean): string {
  const canonical = `${batch ? 'batch' : 'single'}:${events.map((event) => canonicalJson(event.body)).join('\n')}`;
  return hash('sha256', canonical, 'hex');
}

/** `Idempotency-Key` header: 1..255 printable ASCII. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}
