import { describe, expect, it } from 'vitest';
import { etagOf, parseIfMatch, refusalToHttp } from './http-mapping';

describe('If-Match', () => {
  it('accepts bare, quoted and weak versions; absent means "current"', () => {
    expect(parseIfMatch('12')).toEqual({ ok: true, version: 12 });
    expect(parseIfMatch('"12"')).toEqual({ ok: true, version: 12 });
    expect(parseIfMatch(' W/"0" ')).toEqual({ ok: true, version: 0 });
    expect(parseIfMatch(undefined)).toEqual({ ok: true, version: undefined });
    expect(parseIfMatch('')).toEqual({ ok: true, version: undefined });
  });
  it('rejects anything else', () => {
    for (const bad of ['*', 'abc', '"1", "2"', '-1', '1.5']) expect(parseIfMatch(bad).ok).toBe(false);
  });
  it('round-trips with the ETag', () => {
    expect(parseIfMatch(etagOf(42))).toEqual({ ok: true, version: 42 });
  });
});

describe('write refusal → HTTP', () => {
  it('maps conflict, not-found, invalid and unavailable', () => {
    expect(refusalToHttp({ ok: false, reason: 'conflict', currentVersion: 7 }, 'x')).toMatchObject({
      status: 409,
      body: { currentVersion: 7 },
    });
    expect(refusalToHttp({ ok: false, reason: 'not-found' }, 'trigger "t"')).toEqual({
      status: 404,
      body: { error: 'trigger "t" not found' },
    });
    const issues = [{ field: 'url', message: 'must use http or https' }];
    expect(refusalToHttp({ ok: false, reason: 'invalid', issues }, 'x')).toEqual({
      status: 400,
      body: { error: 'invalid body', issues },
    });
    expect(refusalToHttp({ ok: false, reason: 'unavailable', message: 'down' }, 'x').status).toBe(503);
  });
});
