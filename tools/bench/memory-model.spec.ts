import { describe, expect, it } from 'vitest';
import { bytesAt, historyHoursIn, hoursUntilFull, kindBytesAt, type MemoryLayout } from './memory-model';

const HOUR = 3_600_000;
const log = { name: 'log', bytesPerEvent: 1_000, retainedMs: 168 * HOUR, maxEvents: 100_000 };
const sent = { name: 'sent', bytesPerEvent: 300, retainedMs: HOUR };

describe('the steady-state memory model', () => {
  it('grows a kind with the events of its retention, up to its count', () => {
    expect(kindBytesAt(sent, 100, HOUR / 2)).toBe(300 * 100 * 1_800);
    expect(kindBytesAt(sent, 100, 10 * HOUR)).toBe(300 * 100 * 3_600);
    expect(kindBytesAt(log, 100, 1_000_000)).toBe(1_000 * 100_000);
    expect(kindBytesAt(log, 100, Number.POSITIVE_INFINITY)).toBe(1_000 * 100_000);
  });

  it('adds the fixed bytes to every kind', () => {
    const layout: MemoryLayout = { kinds: [log, sent], fixedBytes: 5_000 };
    expect(bytesAt(layout, 10, Number.POSITIVE_INFINITY)).toBe(5_000 + 1_000 * 100_000 + 300 * 10 * 3_600);
  });

  it('finds when a layout that never levels off below the budget outgrows it', () => {
    const unbounded: MemoryLayout = {
      kinds: [{ name: 'e', bytesPerEvent: 1_000, retainedMs: 168 * HOUR }],
      fixedBytes: 0,
    };
    // 1 000 bytes × 500/s = 1.8 GB an hour: 16 GB after 8.9 h
    expect(hoursUntilFull(unbounded, 500, 16e9)).toBeCloseTo(16e9 / (1_000 * 500 * 3_600), 6);
    expect(hoursUntilFull({ kinds: [log, sent], fixedBytes: 0 }, 500, 16e9)).toBeUndefined();
    expect(hoursUntilFull({ kinds: [sent], fixedBytes: 20e9 }, 500, 16e9)).toBe(0);
  });

  it('gives the hours of log that fit beside the rest, none when the rest does not fit', () => {
    const rest: MemoryLayout = { kinds: [sent], fixedBytes: 0 }; // 540 MB at 500/s
    expect(historyHoursIn(rest, 1_000, 500, 16e9)).toBeCloseTo((16e9 - 540e6) / (1_000 * 500 * 3_600), 6);
    expect(historyHoursIn({ kinds: [sent], fixedBytes: 16e9 }, 1_000, 500, 16e9)).toBe(0);
  });
});
