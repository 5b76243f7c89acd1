import { describe, expect, it } from 'vitest';
import { parseConsumerRecord } from './consumer-records';

describe('parseConsumerRecord', () => {
  it('reads a record as the heartbeat writes it', () => {
    const stored = JSON.stringify({ worker: 'w1', epoch: 4, updatedAt: '2026-01-01T00:00:00.000Z', idleMs: 12 });
    expect(parseConsumerRecord(stored)).toEqual({
      worker: 'w1',
      epoch: 4,
      updatedAt: '2026-01-01T00:00:00.000Z',
      idleMs: 12,
    });
  });

  it('absent, not JSON or not a record: no consumer', () => {
    expect(parseConsumerRecord(null)).toBeNull();
    expect(parseConsumerRecord('{oops')).toBeNull();
    expect(parseConsumerRecord(JSON.stringify({ worker: 'w1', epoch: -1, updatedAt: 't', idleMs: 0 }))).toBeNull();
    expect(parseConsumerRecord('"w1"')).toBeNull();
  });
});
