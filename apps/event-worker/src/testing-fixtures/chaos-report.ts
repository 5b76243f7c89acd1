// Test fixture: what the chaos suite measured at each failure, and the figures it prints.
import { type AcceptedEvent, type WebhookReceiver } from '@spaceport/testing';

export interface FailureRecord {
  label: string;
  /** when the failure was injected (ms since epoch) */
  at: number;
  /** partitions the failure took away from their owner (all of them for a Consul restart) */
  affected: number[];
  /** deliveries the victim had claimed (in flight) at the failure; a process failure only */
  inFlight: number;
}

export interface FailureFigures {
  label: string;
  inFlight: number;
  /** first delivery of an event accepted after the failure into an affected partition, minus `at` */
  recoveryMs: number | undefined;
  /** largest gap between arrivals at the receiver from the failure to the next one */
  maxGapMs: number;
}

/** A receiver's `performance.now()` time on the clock of the failures (whole ms since epoch). */
function epochMsOf(at: number): number {
  return Math.round(performance.timeOrigin + at);
}

/** The largest gap between consecutive arrivals inside [from, to). */
export function maxArrivalGap(arrivals: readonly number[], from: number, to: number): number {
  let previous = from;
  let gap = 0;
  for (const at of arrivals) {
    if (at < from) continue;
    if (at >= to) break;
    gap = Math.max(gap, at - previous);
    previous = at;
  }
  return Math.max(gap, to - previous);
}

function firstDeliveryAfter(
  failure: FailureRecord,
  accepted: readonly AcceptedEvent[],
  receiver: WebhookReceiver,
): number | undefined {
  const affected = new Set(failure.affected);
  let first: number | undefined;
  for (const event of accepted) {
    if (event.acceptedAt < failure.at || !affected.has(event.partition)) continue;
    for (const id of event.deliveryIds) {
      const firstAt = receiver.firstArrivalByWebhookId.get(id);
      const arrived = firstAt === undefined ? undefined : epochMsOf(firstAt);
      if (arrived !== undefined && (first === undefined || arrived < first)) first = arrived;
    }
  }
  return first === undefined ? undefined : first - failure.at;
}

export function figuresOf(
  failures: readonly FailureRecord[],
  accepted: readonly AcceptedEvent[],
  receiver: WebhookReceiver,
  end: number,
): FailureFigures[] {
  const arrivals = receiver.received.map((request) => epochMsOf(request.at)).sort((a, b) => a - b);
  return failures.map((failure, index) => ({
    label: failure.label,
    inFlight: failure.inFlight,
    recoveryMs: firstDeliveryAfter(failure, accepted, receiver),
    maxGapMs: maxArrivalGap(arrivals, failure.at, failures[index + 1]?.at ?? end),
  }));
}

export function formatFigures(figures: readonly FailureFigures[]): string {
  return figures
    .map(
      (f) =>
        `  ${f.label.padEnd(28)} in flight ${String(f.inFlight).padStart(3)} | recovery ${f.recoveryMs ?? 'n/a'} ms | max arrival gap ${f.maxGapMs} ms`,
    )
    .join('\n');
}
