import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BlockingQuery,
  type BlockingFetchRequest,
  blockingTimeoutMs,
  INITIAL_BLOCKING_STATE,
  rateLimitDelay,
  stepBlockingError,
  stepBlockingState,
} from './blocking-query';

describe('stepBlockingState (Consul blocking-query index rules)', () => {
  it('delivers the first response and remembers its index', () => {
    expect(stepBlockingState(INITIAL_BLOCKING_STATE, 42)).toEqual({
      state: { index: 42, fingerprint: undefined },
      emit: true,
      reset: false,
    });
  });

  it('ignores a response with the same index (wait timeout or spurious wake-up)', () => {
    expect(stepBlockingState({ index: 42, fingerprint: undefined }, 42)).toEqual({
      state: { index: 42, fingerprint: undefined },
      emit: false,
      reset: false,
    });
  });

  it('delivers a higher index', () => {
    expect(stepBlockingState({ index: 42, fingerprint: undefined }, 50)).toMatchObject({
      state: { index: 50 },
      emit: true,
    });
  });

  it('resets to 0 when the index goes backwards, without delivering; the next read delivers', () => {
    const reset = stepBlockingState({ index: 500, fingerprint: 'a' }, 12);
    expect(reset).toEqual({ state: { index: 0, fingerprint: 'a' }, emit: false, reset: true });
    expect(stepBlockingState(reset.state, 13, 'b')).toEqual({
      state: { index: 13, fingerprint: 'b' },
      emit: true,
      reset: false,
    });
  });

  it('treats an index below 1 as 1, so the next request blocks instead of spinning', () => {
    expect(stepBlockingState(INITIAL_BLOCKING_STATE, 0)).toMatchObject({ state: { index: 1 }, emit: true });
    expect(stepBlockingState({ index: 1, fingerprint: undefined }, 0)).toMatchObject({
      state: { index: 1 },
      emit: false,
      reset: false,
    });
    expect(stepBlockingState({ index: 1, fingerprint: undefined }, -5)).toMatchObject({
      state: { index: 1 },
      reset: false,
    });
  });

  it('with a fingerprint, a new index with the same content is not delivered but the index advances', () => {
    const first = stepBlockingState(INITIAL_BLOCKING_STATE, 10, 'x');
    const same = stepBlockingState(first.state, 11, 'x');
    expect(same).toEqual({ state: { index: 11, fingerprint: 'x' }, emit: false, reset: false });
    expect(stepBlockingState(same.state, 12, 'y')).toMatchObject({
      emit: true,
      state: { index: 12, fingerprint: 'y' },
    });
  });

  it('properties: the index sent is never below 0, never below 1 unless reset, and never delivered twice', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 1_000 }), { maxLength: 60 }), (indexes) => {
        let state = INITIAL_BLOCKING_STATE;
        let lastDelivered: number | undefined;
        for (const returned of indexes) {
          const previous = state.index;
          const step = stepBlockingState(state, returned);
          state = step.state;
          expect(state.index).toBeGreaterThanOrEqual(0);
          if (step.reset) {
            expect(state.index).toBe(0);
            expect(Math.max(1, returned)).toBeLessThan(previous);
            lastDelivered = undefined;
          } else {
            expect(state.index).toBeGreaterThanOrEqual(1);
            expect(state.index).toBeGreaterThanOrEqual(previous);
          }
          if (step.emit) {
            expect(state.index).not.toBe(lastDelivered);
            lastDelivered = state.index;
          }
          if (!step.emit && !step.reset) expect(previous === 0).toBe(false);
        }
      }),
    );
  });
});

describe('stepBlockingError', () => {
  it('forgets the index only when asked to', () => {
    expect(stepBlockingError({ index: 9, fingerprint: 'f' }, true)).toEqual({ index: 0, fingerprint: 'f' });
    expect(stepBlockingError({ index: 9, fingerprint: 'f' }, false)).toEqual({ index: 9, fingerprint: 'f' });
  });
});

describe('rateLimitDelay', () => {
  it('spaces request starts by the minimum interval', () => {
    expect(rateLimitDelay(undefined, 1_000, 100)).toBe(0);
    expect(rateLimitDelay(1_000, 1_030, 100)).toBe(70);
    expect(rateLimitDelay(1_000, 1_200, 100)).toBe(0);
  });
});

describe('blockingTimeoutMs', () => {
  it('exceeds wait plus Consul jitter (wait/16)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 600_000 }), (wait) => blockingTimeoutMs(wait) > wait + wait / 16));
  });
});

describe('BlockingQuery loop: recovery after failed requests', () => {
  it('emits `recovered` on the first answer after failures, even when the value did not change', async () => {
    // the loop's own logic with an injected fetch: two answers, two failures, then the same answer again
    const replies: Array<{ value: string; index: number } | Error> = [
      { value: 'a', index: 5 },
      new Error('connect ECONNREFUSED'),
      new Error('connect ECONNREFUSED'),
      { value: 'a', index: 5 },
    ];
    const sent: number[] = [];
    const events: string[] = [];
    let answered = 0;
    const query = new BlockingQuery<string>({
      waitMs: 1_000,
      minIntervalMs: 0,
      backoff: { initialMs: 1, maxMs: 2 },
      fingerprint: (value) => value,
      fetch: async (request: BlockingFetchRequest) => {
        sent.push(request.index);
        const reply = replies.shift();
        if (reply === undefined) {
          // a blocking read that times out with nothing new
          await new Promise((resolve) => setTimeout(resolve, 5));
          return { value: 'a', index: 5 };
        }
        if (reply instanceof Error) throw reply;
        answered += 1;
        return reply;
      },
    });
    query.on('change', (value, index) => events.push(`change ${value}@${index}`));
    query.on('error', () => events.push('error'));
    query.on('recovered', (failures) => events.push(`recovered after ${failures}`));
    query.start();
    const deadline = Date.now() + 2_000;
    while (answered < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    await query.stop();
    expect(events).toEqual(['change a@5', 'error', 'error', 'recovered after 2']);
    expect(sent.slice(0, 4)).toEqual([0, 5, 0, 0]); // after a failure the retry reads at once (index 0)
  });
});
