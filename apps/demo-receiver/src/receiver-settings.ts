import { decodeWebhookSecret, WebhookSecretError } from '@spaceport/eventing-core';

/** Settings of the demo webhook receiver, read once from the environment (pure: the caller passes env). */
export interface ReceiverSettings {
  /** `HOST`, default 0.0.0.0 */
  readonly host: string;
  /** `PORT`, default 4120 */
  readonly port: number;
  /** `WEBHOOK_SECRET`: comma-separated `whsec_` secrets; empty = accept unsigned deliveries */
  readonly secrets: readonly string[];
  /** `RECEIVER_KEEP`: deliveries kept in memory for GET /received, default 100 */
  readonly keep: number;
  /** `FAIL_RATE`: fraction of verified deliveries answered 500 (to watch retries), default 0 */
  readonly failRate: number;
}

export const DEFAULT_RECEIVER_PORT = 4120;

export class ReceiverSettingsError extends Error {
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ReceiverSettingsError';
  }
}

function number(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  integer: boolean,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ReceiverSettingsError(
      name,
      `expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Throws ReceiverSettingsError naming the variable (never echoing a secret). */
export function parseReceiverSettings(env: NodeJS.ProcessEnv): ReceiverSettings {
  const secrets = (env['WEBHOOK_SECRET'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const secret of secrets) {
    try {
      decodeWebhookSecret(secret);
    } catch (error) {
      throw new ReceiverSettingsError(
        'WEBHOOK_SECRET',
        error instanceof WebhookSecretError ? error.message : 'malformed secret',
      );
    }
  }
  return {
    host: env['HOST']?.trim() || '0.0.0.0',
    port: number(env, 'PORT', DEFAULT_RECEIVER_PORT, 0, 65_535, true),
    secrets,
    keep: number(env, 'RECEIVER_KEEP', 100, 1, 10_000, true),
    failRate: number(env, 'FAIL_RATE', 0, 0, 1, false),
  };
}
