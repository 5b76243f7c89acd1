import { hashApiToken } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { bearerToken, tokenAccepted } from './project-auth';

describe('auth', () => {
  it('extracts bearer tokens and compares them against the accepted set', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(tokenAccepted('abc', ['x', 'abc'])).toBe(true);
    expect(tokenAccepted('abd', ['abc'])).toBe(false);
    expect(tokenAccepted(undefined, ['abc'])).toBe(false);
  });

  it('accepts a token stored as its sha256: hash, and only that token', () => {
    const stored = hashApiToken('spt_the-token-0123456789abcdef');
    expect(tokenAccepted('spt_the-token-0123456789abcdef', ['plain-token', stored])).toBe(true);
    expect(tokenAccepted('spt_the-token-0123456789abcdeF', [stored])).toBe(false);
    // the stored hash itself is not a token
    expect(tokenAccepted(stored, [stored])).toBe(false);
  });
});
