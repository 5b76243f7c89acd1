// Benchmark helper (not a test), pure: what Redis holds at a steady event rate, from the bytes each kind
// of key costs (measured by redis-memory.ts) and how long each is kept. Every accepted event leaves keys
// that live for their retention: a kind holds `bytesPerEvent` for each event of the last `retainedMs`,
// at most `maxEvents` of them (the event log's count); fixed costs (BullMQ's capped streams) come on top.

const HOUR_MS = 3_600_000;

/** One kind of key an accepted event leaves, and how long it is kept. */
export interface RetainedKind {
  readonly name: string;
  /** bytes per accepted event (a kind only some events leave: its bytes × that share) */
  readonly bytesPerEvent: number;
  readonly retainedMs: number;
  /** at most this many events' worth held at once (the log's maxCount per project × projects) */
  readonly maxEvents?: number;
}

export interface MemoryLayout {
  readonly kinds: readonly RetainedKind[];
  /** bytes that do not grow with the events (capped BullMQ streams) */
  readonly fixedBytes: number;
}

/** Bytes one kind holds `elapsedMs` after a steady `eventsPerSecond` began (Infinity: at steady state). */
export function kindBytesAt(kind: RetainedKind, eventsPerSecond: number, elapsedMs: number): number {
  const events = (eventsPerSecond * Math.min(elapsedMs, kind.retainedMs)) / 1_000;
  return kind.bytesPerEvent * Math.min(events, kind.maxEvents ?? Number.POSITIVE_INFINITY);
}

/** Bytes the whole layout holds `elapsedMs` after the rate began (Infinity: at steady state). */
export function bytesAt(layout: MemoryLayout, eventsPerSecond: number, elapsedMs: number): number {
  return layout.kinds.reduce((sum, kind) => sum + kindBytesAt(kind, eventsPerSecond, elapsedMs), layout.fixedBytes);
}

/**
 * Hours after which the layout outgrows `budgetBytes` at `eventsPerSecond`; undefined when its steady
 * state fits. Bisection over the elapsed time (memory only grows with it).
 */
export function hoursUntilFull(layout: MemoryLayout, eventsPerSecond: number, budgetBytes: number): number | undefined {
  if (bytesAt(layout, eventsPerSecond, Number.POSITIVE_INFINITY) <= budgetBytes) return undefined;
  if (layout.fixedBytes >= budgetBytes) return 0;
  let low = 0;
  let high = Math.max(...layout.kinds.map((kind) => (Number.isFinite(kind.retainedMs) ? kind.retainedMs : 0)), 1);
  while (bytesAt(layout, eventsPerSecond, high) <= budgetBytes) high *= 2;
  for (let step = 0; step < 60; step += 1) {
    const middle = (low + high) / 2;
    if (bytesAt(layout, eventsPerSecond, middle) <= budgetBytes) low = middle;
    else high = middle;
  }
  return high / HOUR_MS;
}

/**
 * Hours of event log that fit into `budgetBytes` beside everything else the layout keeps at steady state,
 * at `eventsPerSecond`, if maxCount and maxAgeMs let the log keep that much (0 when the rest alone does not
 * fit). `logBytesPerEvent`: event hash, invocation list and index entry of one event.
 */
export function historyHoursIn(
  rest: MemoryLayout,
  logBytesPerEvent: number,
  eventsPerSecond: number,
  budgetBytes: number,
): number {
  const left = budgetBytes - bytesAt(rest, eventsPerSecond, Number.POSITIVE_INFINITY);
  return Math.max(0, left / (eventsPerSecond * logBytesPerEvent) / 3_600);
}
