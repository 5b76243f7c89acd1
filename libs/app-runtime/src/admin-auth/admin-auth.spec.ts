import { ConfigError } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { authorizeAdmin, resolveAdminTokens, scopeOfMethod } from './admin-auth';

const FULL = 'full-token-0123456789';
const READ = 'read-token-0123456789';

describe('admin auth', () => {
  const tokens = { full: FULL, read: READ };
  it('allows the full token everything and the read token reads only', () => {
    expect(authorizeAdmin(tokens, `Bearer ${FULL}`, 'write')).toEqual({ ok: true, scope: 'write' });
    expect(authorizeAdmin(tokens, `bearer ${READ}`, 'read')).toEqual({ ok: true, scope: 'read' });
    expect(authorizeAdmin(tokens, `Bearer ${READ}`, 'write')).toMatchObject({ ok: false, status: 403 });
  });
  it('answers 401 without, with a malformed or with an unknown token, and when ADMIN_TOKEN is unset', () => {
    expect(authorizeAdmin(tokens, undefined, 'read')).toMatchObject({ ok: false, status: 401 });
    expect(authorizeAdmin(tokens, FULL, 'read')).toMatchObject({ ok: false, status: 401 });
    expect(authorizeAdmin(tokens, 'Bearer nope-nope-nope-nope', 'read')).toMatchObject({ ok: false, status: 401 });
    expect(authorizeAdmin({ full: undefined, read: undefined }, `Bearer ${FULL}`, 'read')).toMatchObject({
      ok: false,
      status: 401,
      message: expect.stringContaining('ADMIN_TOKEN'),
    });
  });
  it('maps methods to scopes', () => {
    expect(['GET', 'head', 'OPTIONS'].map(scopeOfMethod)).toEqual(['read', 'read', 'read']);
    expect(['POST', 'DELETE', 'PUT', 'PATCH'].map(scopeOfMethod)).toEqual(['write', 'write', 'write', 'write']);
  });
  it('validates the tokens from the environment without echoing them', () => {
    expect(resolveAdminTokens({})).toEqual({ full: undefined, read: undefined });
    expect(resolveAdminTokens({ ADMIN_TOKEN: FULL, ADMIN_READ_TOKEN: READ })).toEqual({ full: FULL, read: READ });
    expect(() => resolveAdminTokens({ ADMIN_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => resolveAdminTokens({ ADMIN_TOKEN: 'short' })).not.toThrow(/short/);
    expect(() => resolveAdminTokens({ ADMIN_READ_TOKEN: READ })).toThrow(/ADMIN_READ_TOKEN/);
    expect(() => resolveAdminTokens({ ADMIN_TOKEN: FULL, ADMIN_READ_TOKEN: FULL })).toThrow(/must differ/);
  });
});
