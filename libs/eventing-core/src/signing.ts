import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, docs/architecture.md, Event flow):
 * signature = base64( HMAC-SHA256( key, `${webhookId}.${timestamp}.${body}` ) ), sent as `v1,<sig>`;
 * during a secret rotation one `v1,<sig>` per secret, space-separated, so receivers holding either
 * secret verify. Secrets are `whsec_<base64 key>`; the key is the decoded bytes.
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Key length bounds the Standard Webhooks spec recommends (192 to 512 bits). */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** A webhook secret is malformed; the message says what is expected (never the secret itself). */
export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

export interface WebhookSignInput {
  /** Stable per delivery (see delivery-id.ts); also sent as `Idempotency-Key`. */
  readonly webhookId: string;
  /** Unix time in whole seconds of this attempt. */
  readonly timestamp: number;
  /** The exact bytes sent, as a string (UTF-8 on the wire). */
  readonly body: string;
  /** Active secrets, newest first; one signature each. */
  readonly secrets: readonly string[];
}

export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
  readonly 'idempotency-key': string;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key of a `whsec_<base64>` secret; throws WebhookSecretError when malformed. */
export function decodeWebhookSecret(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    throw new WebhookSecretError(`webhook secret must start with "${WEBHOOK_SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (encoded.length === 0 || !STRICT_BASE64.test(encoded)) {
    throw new WebhookSecretError(`webhook secret after "${WEBHOOK_SECRET_PREFIX}" must be standard padded base64`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(
      `webhook secret key must be ${MIN_SECRET_BYTES}-${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

/** Throws unless the id is non-empty printable ASCII without spaces or commas (header-safe). */
function assertWebhookId(webhookId: string): void {
  if (!/^[\x21-\x2b\x2d-\x7e]+$/.test(webhookId)) {
    throw new RangeError('webhook id must be non-empty printable ASCII without spaces or commas');
  }
}

/** The `webhook-signature` header value: `v1,<base64>` per secret, space-separated, in secret order. */
export function signWebhook(input: WebhookSignInput): string {
  assertWebhookId(input.webhookId);
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new RangeError(`webhook timestamp must be whole non-negative seconds, got ${input.timestamp}`);
  }
  if (input.secrets.length === 0) throw new WebhookSecretError('at least one webhook secret is required');
  const signedContent = `${input.webhookId}.${input.timestamp}.${input.body}`;
  return input.secrets
    .map(
      (secret) =>
        `v1,${createHmac('sha256', decodeWebhookSecret(secret)).update(signedContent, 'utf8').digest('base64')}`,
    )
    .join(' ');
}

/** The four delivery headers; `idempotency-key` repeats `webhook-id` for receivers that dedupe on it. */
export function webhookHeaders(input: WebhookSignInput): WebhookHeaders {
  return {
    'webhook-id': input.webhookId,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signWebhook(input),
    'idempotency-key': input.webhookId,
  };
}

/**
 * A new `whsec_` secret of `byteLength` (24..64, default 32) random bytes. `randomBytes` defaults to
 * node:crypto's CSPRNG; inject a fixed source in tests.
 */
export function generateWebhookSecret(
  byteLength = 32,
  randomBytes: (size: number) => Uint8Array = nodeRandomBytes,
): string {
  if (!Number.isInteger(byteLength) || byteLength < MIN_SECRET_BYTES || byteLength > MAX_SECRET_BYTES) {
    throw new RangeError(`secret length must be ${MIN_SECRET_BYTES}-${MAX_SECRET_BYTES} bytes, got ${byteLength}`);
  }
  const bytes = randomBytes(byteLength);
  if (bytes.length !== byteLength)
    throw new RangeError(`random source returned ${bytes.length} bytes, wanted ${byteLength}`);
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(bytes).toString('base64')}`;
}
