import { describe, expect, it } from 'vitest';
import { keyKindOf } from './memory-census';

describe('keyKindOf', () => {
  it('names the kind of each per-event key of a cluster', () => {
    const kinds = [
      ['sp:{bench}:ev:event:shop:01J0000000000000000000000A', 'event hash'],
      ['sp:{bench}:ev:inv:shop:01J0000000000000000000000A', 'invocation list'],
      ['sp:{bench}:ev:events:shop', 'event index'],
      ['sp:{bench}:ev:idem:shop:5b0e…', 'idempotency key'],
      ['sp:{bench}:ledger:sent:msg_ABC', 'sent record'],
      ['sp:{bench}:ledger:claim:msg_ABC', 'claim'],
      ['bull:sp-bench-p3:msg_ABC', 'queued job'],
      ['bull:sp-bench-p3:events', 'BullMQ events stream'],
      ['bull:sp-bench-p3-ordered:meta', 'other'],
      ['sp:{bench}:ledger:epoch:3', 'other'],
      ['sp:{other}:ev:event:shop:01J', 'other'],
    ] as const;
    for (const [key, kind] of kinds) expect(keyKindOf(key, 'bench'), key).toBe(kind);
  });
});
