import { timingSafeEqual, createHash } from 'node:crypto';
import { ConfigError } from '@spaceport/runtime-core';

export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * Admin bearer tokens of the gateway: the config admin API takes only these, the event log API takes
 * them beside project tokens. No `full` token: the config API is locked (every call 401).
 */
export interface AdminTokens {
  /** `ADMIN_TOKEN`: read and write */
  full: string | undefined;
  /** `ADMIN_READ_TOKEN`: read only */
  read: string | undefined;
}

export type AdminScope = 'read' | 'write';

export type AuthDecision = { ok: true; scope: AdminScope } | { ok: false; status: 401 | 403; message: string };

function tokenFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(value)) {
    throw new ConfigError(name, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without whitespace`);
  }
  return value;
}

/** Pure: the admin tokens from the environment; throws ConfigError naming the variable (never its value). */
export function resolveAdminTokens(env: NodeJS.ProcessEnv): AdminTokens {
  const full = tokenFrom(env, 'ADMIN_TOKEN');
  const read = tokenFrom(env, 'ADMIN_READ_TOKEN');
  if (read !== undefined && full === undefined)
    throw new ConfigError('ADMIN_READ_TOKEN', 'requires ADMIN_TOKEN to be set as well');
  if (read !== undefined && read === full) throw new ConfigError('ADMIN_READ_TOKEN', 'must differ from ADMIN_TOKEN');
  return { full, read };
}

/** Pure: the scope an HTTP method needs. */
export function scopeOfMethod(method: string): AdminScope {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS' ? 'read' : 'write';
}

/** Constant-time equality that does not leak the length either (both sides hashed first). */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Pure: `Authorization` header + needed scope → allowed, 401 (no/unknown token) or 403 (read token on a write). */
export function authorizeAdmin(
  tokens: AdminTokens,
  authorization: string | undefined,
  needed: AdminScope,
): AuthDecision {
  if (tokens.full === undefined)
    return { ok: false, status: 401, message: 'config API disabled: ADMIN_TOKEN is not set on this gateway' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return { ok: false, status: 401, message: 'missing bearer token' };
  const given = match[1];
  if (sameToken(given, tokens.full)) return { ok: true, scope: 'write' };
  if (tokens.read !== undefined && sameToken(given, tokens.read)) {
    return needed === 'read'
      ? { ok: true, scope: 'read' }
      : { ok: false, status: 403, message: 'the read-only admin token cannot change config' };
  }
  return { ok: false, status: 401, message: 'unknown token' };
}
