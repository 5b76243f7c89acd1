import { getTrigger, resolveTrigger } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { shopSpec } from '../testing-fixtures/fixtures';
import { snapshotOf } from '../testing-fixtures/snapshot';
import { backoffDelay, RetryLaterError, verdictOf } from './retry';

const NOW = Date.UTC(2025, 0, 1);

describe('verdictOf', () => {
  const snapshot = snapshotOf(shopSpec({ t: { type: 'x', url: 'https://x.example/h', retries: 2 } }));
  const trigger = resolveTrigger(getTrigger(snapshot, 'shop', 't')!.value, snapshot.eventing.value);
  const verdict = (statusCode: number | undefined, attempt: number, retryAfter?: string) =>
    verdictOf({ statusCode, attempt, refused: false, ...(retryAfter ? { retryAfter } : {}) }, trigger, NOW, () => 0.5);

  it('classifies outcomes and stops after the trigger’s retries', () => {
    expect(verdict(204, 1)).toEqual({ kind: 'success' });
    expect(verdict(410, 1)).toEqual({ kind: 'fail', reason: 'gone' });
    expect(verdict(400, 1)).toEqual({ kind: 'fail', reason: 'permanent' });
    expect(verdict(500, 1)).toEqual({ kind: 'retry', delayMs: 25 });
    expect(verdict(undefined, 2)).toEqual({ kind: 'retry', delayMs: 50 });
    expect(verdict(503, 3)).toEqual({ kind: 'fail', reason: 'retries-exhausted' });
    expect(verdict(429, 1, '3')).toEqual({ kind: 'retry', delayMs: 3000 });
    expect(verdictOf({ attempt: 1, refused: true }, trigger, NOW, Math.random)).toEqual({
      kind: 'fail',
      reason: 'refused',
    });
  });

  it('feeds the decided delay to BullMQ', () => {
    expect(backoffDelay(new RetryLaterError(1234, 'x'))).toBe(1234);
    expect(backoffDelay(new Error('boom'))).toBe(1000);
  });
});
