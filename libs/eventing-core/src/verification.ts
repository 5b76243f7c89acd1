import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeWebhookSecret } from './signing';

/**
 * Receiver side of Standard Webhooks (the inverse of signing.ts): checks `webhook-signature` against
 * `${webhook-id}.${webhook-timestamp}.${body}` with each of the receiver's secrets, and refuses a
 * timestamp outside the tolerance (replay protection). Pure: the caller passes the clock.
 */

/** Default tolerance of the Standard Webhooks libraries: 5 minutes either side. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

export interface WebhookVerifyInput {
  /** lower-case header names, as node:http gives them */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** the raw body bytes as received */
  readonly body: Buffer | string;
  /** the receiver's `whsec_` secrets; any one verifying is enough */
  readonly secrets: readonly string[];
  /** Unix seconds now */
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

export type WebhookVerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const header = (headers: WebhookVerifyInput['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Never throws for bad input; the reason names what is wrong, never a secret or a signature. */
export function verifyWebhook(input: WebhookVerifyInput): WebhookVerifyResult {
  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signature = header(input.headers, 'webhook-signature');
  if (!id || !timestamp || !signature)
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not whole Unix seconds' };
  const tolerance = input.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > tolerance) {
    return { ok: false, reason: `webhook-timestamp is more than ${tolerance} s away from now` };
  }
  const candidates = signature
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  if (candidates.length === 0) return { ok: false, reason: 'webhook-signature has no v1 signature' };
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  for (const secret of input.secrets) {
    const expected = createHmac('sha256', decodeWebhookSecret(secret))
      .update(`${id}.${timestamp}.`, 'utf8')
      .update(body)
      .digest();
    if (candidates.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected)))
      return { ok: true };
  }
  return { ok: false, reason: 'no signature matches' };
}
