import { hash, timingSafeEqual } from 'node:crypto';

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/** Digests of a config's token list, computed once per list (a config snapshot's arrays are immutable). */
const acceptedDigests = new WeakMap<readonly string[], readonly Buffer[]>();

function digestsOf(accepted: readonly string[]): readonly Buffer[] {
  let digests = acceptedDigests.get(accepted);
  if (!digests) {
    digests = accepted.map(digest);
    acceptedDigests.set(accepted, digests);
  }
  return digests;
}

/** True when `token` equals one of `accepted`; compared in constant time (over SHA-256 digests). */
export function tokenAccepted(token: string | undefined, accepted: readonly string[]): boolean {
  if (token === undefined) return false;
  const presented = digest(token);
  let ok = false;
  for (const candidate of digestsOf(accepted)) ok = timingSafeEqual(presented, candidate) || ok;
  return ok;
}
