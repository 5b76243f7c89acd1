import { createHash, randomBytes } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from './secrets';

/**
 * An API token may be stored as `sha256:<64 hex>` (the SHA-256 of the token) instead of the token: the
 * gateway compares digests anyway, so a stored hash accepts the token it was made from and the config
 * store never holds the token itself. Tokens the console creates are stored this way.
 */
export const HASHED_TOKEN_PREFIX = 'sha256:';
const HASHED_TOKEN = /^sha256:[0-9a-f]{64}$/;
/** hex characters of a secret's public id */
export const SECRET_ID_LENGTH = 12;

export function isHashedApiToken(value: string): boolean {
  return HASHED_TOKEN.test(value);
}

const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What to store for a new API token: `sha256:<hex>`. */
export function hashApiToken(token: string): string {
  return `${HASHED_TOKEN_PREFIX}${sha256Hex(token)}`;
}

/**
 * A secret's public id: the first 12 hex characters of its SHA-256 (of a hashed token: of the token it
 * was made from, so a token has one id whether stored in clear or hashed). Names a secret in the API and
 * the console without showing it.
 */
export function secretIdOf(stored: string): string {
  const hex = isHashedApiToken(stored) ? stored.slice(HASHED_TOKEN_PREFIX.length) : sha256Hex(stored);
  return hex.slice(0, SECRET_ID_LENGTH);
}

/** A new project API token: `spt_` + 32 random bytes, base64url. */
export function newApiToken(): string {
  return `spt_${randomBytes(32).toString('base64url')}`;
}

/** A new Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
