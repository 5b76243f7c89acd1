import * as z from 'zod';
import { isPlainObject, safeKeySchema, safeRecord } from './json';

/**
 * Custom headers a trigger adds to each delivery. Spaceport owns the delivery protocol, so these
 * may not be set by a trigger (case-insensitive): every `webhook-*` header (Standard Webhooks id,
 * timestamp, signature), `content-type`, `idempotency-key` (= webhook-id), and the framing headers
 * `content-length`, `transfer-encoding`, `host`, `connection`.
 */
export const RESERVED_HEADER_PREFIX = 'webhook-';
export const RESERVED_HEADERS = [
  'content-type',
  'idempotency-key',
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
] as const;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith(RESERVED_HEADER_PREFIX) || (RESERVED_HEADERS as readonly string[]).includes(lower);
}

const headerNameSchema = safeKeySchema
  .pipe(z.string().min(1).max(256).regex(TOKEN, { message: 'must be a valid HTTP header name' }))
  .superRefine((name, ctx) => {
    if (isReservedHeader(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `header "${name}" is set by Spaceport and cannot be overridden`,
      });
    }
  });

// The message never repeats the value: headers often carry credentials.
const headerValueSchema = z
  .string()
  .max(8192)
  .regex(/^[^\r\n\0]*$/, { message: 'must not contain CR, LF or NUL' });

export const triggerHeadersSchema = safeRecord(headerNameSchema, headerValueSchema).superRefine(
  (headers, ctx) => {
    const seen = new Set<string>();
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `header "${name}" is given more than once (names are case-insensitive)`,
        });
      }
      seen.add(lower);
    }
    if (seen.size > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 headers' });
  },
  // also checked while some header has an issue (zod 4 skips a refinement after any issue by default)
  { when: (payload) => isPlainObject(payload.value) },
);

export type TriggerHeaders = z.output<typeof triggerHeadersSchema>;
