import { describe, expect, it } from 'vitest';
import { HELD_REASON_PREFIX, heldReason } from '../common/dead-letters';
import { type DeliveryJobData } from '../common/delivery-job';
import { matchesRedriveFilter } from './dead-letter-redrive';

const letter = (triggerId: string, reason: string) => ({ job: { triggerId } as DeliveryJobData, reason });

describe('matchesRedriveFilter', () => {
  it('takes every dead letter without a filter (held ones included)', () => {
    for (const reason of ['gone', 'trigger deleted', heldReason('gone'), 'error: boom'])
      expect(matchesRedriveFilter(letter('hook', reason), {})).toBe(true);
  });

  it("releases exactly one trigger's held deliveries", () => {
    const release = { trigger: 'hook', reasonPrefix: HELD_REASON_PREFIX };
    expect(matchesRedriveFilter(letter('hook', heldReason('gone')), release)).toBe(true);
    expect(matchesRedriveFilter(letter('hook', heldReason('failures')), release)).toBe(true);
    // the delivery that got the 410 itself is a receiver failure: it stays for a manual redrive
    expect(matchesRedriveFilter(letter('hook', 'gone'), release)).toBe(false);
    expect(matchesRedriveFilter(letter('hook', 'trigger deleted'), release)).toBe(false);
    expect(matchesRedriveFilter(letter('hooks', heldReason('gone')), release)).toBe(false);
    expect(matchesRedriveFilter(letter('other', heldReason('gone')), release)).toBe(false);
  });
});
