import { describe, expect, it } from 'vitest';
import { describeExit, nextRestart, RESTART_POLICY } from './restart-policy.mjs';

describe('event-worker restart policy of npm start', () => {
  it('waits 1 s, doubling per crash in a row, at most 30 s; the 8th quick crash in a row gives up', () => {
    const delays: number[] = [];
    let crashes = 0;
    for (;;) {
      const next = nextRestart(crashes, 2_000);
      crashes = next.crashesInRow;
      if (next.giveUp) break;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(crashes).toBe(RESTART_POLICY.maxCrashesInRow);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(91_000);
  });

  it('counts a crash after a stable run (60 s or more) as the first in a row again', () => {
    expect(nextRestart(6, 59_999)).toEqual({ crashesInRow: 7, delayMs: 30_000 });
    expect(nextRestart(7, 60_000)).toEqual({ crashesInRow: 1, delayMs: 1_000 });
    expect(nextRestart(0, 0)).toEqual({ crashesInRow: 1, delayMs: 1_000 });
  });

  it('follows a policy passed in', () => {
    const policy = { initialDelayMs: 10, maxDelayMs: 25, stableAfterMs: 100, maxCrashesInRow: 3 };
    expect(nextRestart(0, 5, policy)).toEqual({ crashesInRow: 1, delayMs: 10 });
    expect(nextRestart(1, 5, policy)).toEqual({ crashesInRow: 2, delayMs: 20 });
    expect(nextRestart(2, 5, policy)).toEqual({ crashesInRow: 3, giveUp: true });
  });

  it('names an exit by its signal, else its code', () => {
    expect(describeExit(null, 'SIGKILL')).toBe('signal SIGKILL');
    expect(describeExit(1, null)).toBe('exit code 1');
    expect(describeExit(0, null)).toBe('exit code 0');
  });
});
