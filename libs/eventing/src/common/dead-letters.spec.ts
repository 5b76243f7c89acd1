import { describe, expect, it } from 'vitest';
import { deadLetterOf, HELD_REASON_PREFIX, heldReason } from './dead-letters';

describe('dead letters', () => {
  it('names a held delivery after the disable, under the held prefix', () => {
    expect(heldReason('gone')).toBe('held: trigger disabled by the data plane (gone)');
    expect(heldReason('failures').startsWith(HELD_REASON_PREFIX)).toBe(true);
    // the reasons of deliveries that are not held never carry the prefix
    for (const reason of ['gone', 'trigger deleted', 'project deleted', 'trigger disabled', 'error: held: x'])
      expect(reason.startsWith(HELD_REASON_PREFIX)).toBe(false);
  });

  it('reads a stream entry whatever its field order, an empty status as none', () => {
    const job = { project: 'shop', eventId: 'E1', triggerId: 'hook', deliveryId: 'd1' };
    const fields = [
      'reason',
      'trigger deleted',
      'job',
      JSON.stringify(job),
      'status',
      '',
      'at',
      '2025-01-01T00:00:00Z',
    ];
    expect(deadLetterOf('1-0', fields)).toEqual({
      id: '1-0',
      job,
      reason: 'trigger deleted',
      statusCode: null,
      at: '2025-01-01T00:00:00Z',
    });
    expect(deadLetterOf('2-0', ['job', '{}', 'reason', 'gone', 'status', '410']).statusCode).toBe(410);
  });
});
