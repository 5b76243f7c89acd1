import * as z from 'zod';

/** What every secret value is replaced with in API responses and logs. */
export const REDACTED = '[redacted]' as const;
export type Redacted = typeof REDACTED;

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const MIN_WEBHOOK_SECRET_BYTES = 24;
export const MAX_WEBHOOK_SECRET_BYTES = 64;
export const MIN_API_TOKEN_LENGTH = 24;
export const MAX_API_TOKEN_LENGTH = 512;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Standard Webhooks signing secret: `whsec_` + standard base64 of 24..64 random bytes. */
export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(WEBHOOK_SECRET_PREFIX)) return false;
  const encoded = value.slice(WEBHOOK_SECRET_PREFIX.length);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return false;
  const padding = encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0;
  const bytes = (encoded.length / 4) * 3 - padding;
  return bytes >= MIN_WEBHOOK_SECRET_BYTES && bytes <= MAX_WEBHOOK_SECRET_BYTES;
}

// Messages below never contain the value: it is a secret.
export const webhookSecretSchema = z.string().refine(isWebhookSecret, {
  message: `must be "${WEBHOOK_SECRET_PREFIX}" followed by standard base64 of ${MIN_WEBHOOK_SECRET_BYTES} to ${MAX_WEBHOOK_SECRET_BYTES} random bytes`,
});

export const apiTokenSchema = z
  .string()
  .min(MIN_API_TOKEN_LENGTH, { message: `must be at least ${MIN_API_TOKEN_LENGTH} characters` })
  .max(MAX_API_TOKEN_LENGTH, { message: `must be at most ${MAX_API_TOKEN_LENGTH} characters` })
  .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });

function unique(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

/**
 * Project secrets. They are stored as given (the gateway compares tokens in constant time, the
 * worker needs the signing keys in clear) and are write-only: read APIs return `redactProject()`.
 */
export const projectSecretsSchema = z
  .object({
    /** webhook signing secrets, newest first; every one signs during rotation */
    // distinctness first: zod 4 runs no check of an array after a failed size check
    webhook: z
      .array(webhookSecretSchema)
      .refine(unique, { message: 'signing secrets must be distinct' })
      .min(1, { message: 'at least one signing secret is required' })
      .max(10),
    /** bearer tokens accepted by `POST /v1/api/:project/eventing/queue` */
    apiTokens: z.array(apiTokenSchema).refine(unique, { message: 'API tokens must be distinct' }).max(20).default([]),
  })
  .strict();

export type ProjectSecrets = z.output<typeof projectSecretsSchema>;

export interface RedactedProjectSecrets {
  webhook: Redacted[];
  apiTokens: Redacted[];
}

/** Same shape, every value replaced: callers still see how many secrets exist. */
export function redactSecrets(secrets: ProjectSecrets): RedactedProjectSecrets {
  return { webhook: secrets.webhook.map(() => REDACTED), apiTokens: secrets.apiTokens.map(() => REDACTED) };
}
