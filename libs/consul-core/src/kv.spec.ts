import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  decodeJsonValue,
  decodeKvEntries,
  defaultKvPrefix,
  fencedWriteOps,
  type KvRawEntry,
  parseTxnErrors,
  parseTxnResults,
  toWireOp,
} from './kv';

const raw = (Key: string, Value: string | null, extra: Partial<KvRawEntry> = {}): KvRawEntry => ({
  Key,
  Value,
  CreateIndex: 5,
  ModifyIndex: 7,
  LockIndex: 0,
  Flags: 0,
  ...extra,
});

describe('decodeJsonValue', () => {
  const schema = z.object({ n: z.number() });
  it('parses JSON and validates with an optional schema', () => {
    expect(decodeJsonValue('{"n":1}')).toEqual({ ok: true, value: { n: 1 } });
    expect(decodeJsonValue('{"n":1}', schema)).toEqual({ ok: true, value: { n: 1 } });
    expect(decodeJsonValue('{"n":"x"}', schema)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^invalid value: n:/),
    });
  });
  it('reports junk, empty and missing values as errors instead of throwing', () => {
    expect(decodeJsonValue('nope {')).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid JSON/) });
    expect(decodeJsonValue('')).toMatchObject({ ok: false });
    expect(decodeJsonValue(null)).toMatchObject({ ok: false });
  });
});

describe('decodeKvEntries', () => {
  it('makes keys relative, decodes per key, keeps junk as an error entry and skips folders', () => {
    const entries = decodeKvEntries(
      [raw('p/c/', null), raw('p/c/a', '1'), raw('p/c/bad', '{', { Session: 's1', LockIndex: 2 })],
      'p/',
    );
    expect(entries).toEqual([
      { ok: true, key: 'c/a', value: 1, createIndex: 5, modifyIndex: 7, lockIndex: 0, flags: 0 },
      {
        ok: false,
        key: 'c/bad',
        raw: '{',
        error: expect.stringMatching(/invalid JSON/),
        createIndex: 5,
        modifyIndex: 7,
        lockIndex: 2,
        flags: 0,
        session: 's1',
      },
    ]);
  });
});

describe('transactions', () => {
  it('encodes operations in Consul wire format with the prefix and base64 JSON values', () => {
    expect(toWireOp('spaceport/c/', { verb: 'cas', key: 'assignment', value: { g: 1 }, index: 0 })).toEqual({
      KV: { Verb: 'cas', Key: 'spaceport/c/assignment', Value: Buffer.from('{"g":1}').toString('base64'), Index: 0 },
    });
    expect(toWireOp('x/', { verb: 'check-session', key: 'leader', session: 's' })).toEqual({
      KV: { Verb: 'check-session', Key: 'x/leader', Session: 's' },
    });
    expect(toWireOp('x/', { verb: 'delete', key: 'k' })).toEqual({ KV: { Verb: 'delete', Key: 'x/k' } });
  });

  it('builds a fenced write: session check on the lock first, then the CAS', () => {
    expect(fencedWriteOps({ lockKey: 'leader', session: 's', key: 'assignment', value: 1, cas: 9 })).toEqual([
      { verb: 'check-session', key: 'leader', session: 's' },
      { verb: 'cas', key: 'assignment', value: 1, index: 9 },
    ]);
  });

  it('parses committed results and rollback errors', () => {
    const body = {
      Results: [
        { KV: { Key: 'p/leader', CreateIndex: 1, ModifyIndex: 2, LockIndex: 1, Session: 's', Value: null, Flags: 0 } },
        { KV: { Key: 'p/a', CreateIndex: 3, ModifyIndex: 3, LockIndex: 0, Value: null, Flags: 0 } },
      ],
      Errors: null,
    };
    expect(parseTxnResults(body, 'p/')).toEqual([
      { key: 'leader', createIndex: 1, modifyIndex: 2, lockIndex: 1, session: 's' },
      { key: 'a', createIndex: 3, modifyIndex: 3, lockIndex: 0 },
    ]);
    expect(parseTxnErrors({ Results: null, Errors: [{ OpIndex: 0, What: 'failed session check' }] })).toEqual([
      { opIndex: 0, what: 'failed session check' },
    ]);
    expect(parseTxnErrors('garbage')).toEqual([{ opIndex: -1, what: expect.any(String) }]);
  });
});

describe('defaultKvPrefix', () => {
  it('is spaceport/<cluster>/', () => {
    expect(defaultKvPrefix('prod')).toBe('spaceport/prod/');
  });
});
