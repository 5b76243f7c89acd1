import { describe, expect, it } from 'vitest';
import { type KvRawEntry } from './kv';
import { lockDelayRetryMs, lockLossReason } from './leader-election';
import { leaseDeadline } from './leader-session';

const entry = (Session?: string): KvRawEntry => ({
  Key: 'l',
  Value: null,
  CreateIndex: 1,
  ModifyIndex: 2,
  LockIndex: 3,
  Flags: 0,
  ...(Session ? { Session } : {}),
});

describe('lockLossReason', () => {
  it('is undefined only while the key names our session', () => {
    expect(lockLossReason(entry('me'), 'me')).toBeUndefined();
    expect(lockLossReason(entry(), 'me')).toBe('lock-released');
    expect(lockLossReason(entry('other'), 'me')).toBe('lock-taken');
    expect(lockLossReason(undefined, 'me')).toBe('lock-deleted');
  });
});

describe('lockDelayRetryMs', () => {
  it('retries a few times per lock-delay, at least every 100 ms apart', () => {
    expect(lockDelayRetryMs(15_000)).toBe(3_750);
    expect(lockDelayRetryMs(1_000)).toBe(250);
    expect(lockDelayRetryMs(0)).toBe(100);
  });
});

describe('leaseDeadline', () => {
  it('trusts a renewal for its TTL from when it was sent, minus a tenth as margin', () => {
    expect(leaseDeadline(1_000, 10_000)).toBe(10_000);
  });
});
