import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfigSigningKeys } from './signing-keys';

const KEY = randomBytes(32).toString('base64url');

describe('parseConfigSigningKeys', () => {
  it('decodes a 32-byte base64url key (and standard base64), previous optional', () => {
    expect(parseConfigSigningKeys({ CONFIG_SIGNING_KEY: KEY })).toEqual({
      current: Buffer.from(KEY, 'base64url'),
      previous: undefined,
    });
    const standard = randomBytes(48).toString('base64');
    const keys = parseConfigSigningKeys({ CONFIG_SIGNING_KEY: KEY, CONFIG_SIGNING_KEY_PREVIOUS: standard });
    expect(keys.previous).toEqual(Buffer.from(standard, 'base64'));
  });

  it.each([
    ['missing', {}, /^CONFIG_SIGNING_KEY: is required/],
    ['blank', { CONFIG_SIGNING_KEY: '  ' }, /^CONFIG_SIGNING_KEY: is required/],
    ['42 characters', { CONFIG_SIGNING_KEY: KEY.slice(0, 42) }, /^CONFIG_SIGNING_KEY: is too short/],
    ['not base64', { CONFIG_SIGNING_KEY: `${KEY}!` }, /^CONFIG_SIGNING_KEY: must be base64url/],
    [
      'a short previous key',
      { CONFIG_SIGNING_KEY: KEY, CONFIG_SIGNING_KEY_PREVIOUS: 'abc' },
      /^CONFIG_SIGNING_KEY_PREVIOUS: is too short/,
    ],
  ])('refuses %s, naming the variable but never the value', (_, env, message) => {
    expect(() => parseConfigSigningKeys(env)).toThrow(message);
    try {
      parseConfigSigningKeys(env);
    } catch (error) {
      expect(String(error)).not.toContain(KEY.slice(0, 20));
    }
  });
});
