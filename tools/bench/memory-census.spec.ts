import { describe, expect, it } from 'vitest';
import { keyKindOf } from './memory-census';

describe('keyKindOf', () => {
  it('names the kind of each per-event key of a cluster', () => {
    const kinds = [
      ['sp:{bench:p3:41}:ev:event:shop:01J0000000000000000000000A', 'event hash'],
      ['sp:{bench:p3:41}:ev:inv:shop:01J0000000000000000000000A', 'invocation list'],
      ['sp:{bench:p12:7}:ev:events:shop', 'event index'],
      ['sp:{bench}:ev:idem:shop:5b0e…', 'idempotency key'],
      ['sp:{bench:p3:41}:ledger:sent:msg_ABC', 'sent record'],
      ['sp:{bench:p3:41}:ledger:claim:msg_ABC', 'claim'],
      ['bull:{bench:p3:41}:sp-bench-p3:msg_ABC', 'queued job'],
      ['bull:{bench:p3:41}:sp-bench-p3:events', 'BullMQ events stream'],
      ['bull:{bench:p3:41}:sp-bench-p3-ordered:meta', 'other'],
      ['sp:{bench:p3:41}:ledger:epoch:3', 'other'],
      ['sp:{other:p3:41}:ev:event:shop:01J', 'other'],
      ['sp:{bench}:ev:event:shop:01J', 'other'],
      ['bull:sp-bench-p3:msg_ABC', 'other'],
    ] as const;
    for (const [key, kind] of kinds) expect(keyKindOf(key, 'bench'), key).toBe(kind);
  });
});
