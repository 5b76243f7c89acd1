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
});
