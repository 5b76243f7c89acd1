import { ConfigError } from '@spaceport/runtime-core';

/** 32 bytes, base64url without padding: 43 characters. */
export const MIN_SIGNING_KEY_BYTES = 32;
export const MIN_SIGNING_KEY_CHARS = 43;

const HOW_TO_MAKE =
  "32 random bytes, base64url (43+ characters): node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"";

/**
 * The cluster key every app signs and verifies config-plane messages with (`CONFIG_SIGNING_KEY`), and the
 * one before it while a rotation is under way (`CONFIG_SIGNING_KEY_PREVIOUS`): senders sign with `current`,
 * receivers accept either.
 */
export interface ConfigSigningKeys {
  current: Buffer;
  previous: Buffer | undefined;
}

/** Pure: the keys from the environment; throws ConfigError naming the variable (never its value). */
export function parseConfigSigningKeys(env: NodeJS.ProcessEnv): ConfigSigningKeys {
  const current = env['CONFIG_SIGNING_KEY']?.trim();
  if (!current)
    throw new ConfigError(
      'CONFIG_SIGNING_KEY',
      `is required (every app signs and checks config messages with this cluster key): ${HOW_TO_MAKE}`,
    );
  const previous = env['CONFIG_SIGNING_KEY_PREVIOUS']?.trim();
  return {
    current: decodeKey('CONFIG_SIGNING_KEY', current),
    previous: previous ? decodeKey('CONFIG_SIGNING_KEY_PREVIOUS', previous) : undefined,
  };
}

function decodeKey(variable: string, value: string): Buffer {
  if (!/^[A-Za-z0-9_+/-]+={0,2}$/.test(value)) throw new ConfigError(variable, `must be base64url: ${HOW_TO_MAKE}`);
  const bytes = Buffer.from(value, 'base64');
  if (value.replace(/=+$/, '').length < MIN_SIGNING_KEY_CHARS || bytes.length < MIN_SIGNING_KEY_BYTES)
    throw new ConfigError(variable, `is too short: ${HOW_TO_MAKE}`);
  return bytes;
}
