import { randomBytes } from 'node:crypto';

/** A fresh `CONFIG_SIGNING_KEY` (32 random bytes, base64url): one per stack, as an operator makes one per cluster. */
export function newSigningKey(): string {
  return randomBytes(32).toString('base64url');
}
