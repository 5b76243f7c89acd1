// Test fixture: a steady, bounded stream of events queued at the gateway (fixed count, fixed rate,
// bounded concurrency). It records each accepted event's partition, delivery ids and queue time.
import { sleep } from './wait';

export interface AcceptedEvent {
  eventId: string;
  partition: number;
  deliveryIds: string[];
  /** when the 202 arrived (ms since epoch) */
  acceptedAt: number;
}

/** One answer other than 202. */
export interface Refusal {
  /** HTTP status, 0 = request error */
  status: number;
  /** when it arrived (ms since epoch) */
  at: number;
  /** its `Retry-After` header, null when absent */
  retryAfter: string | null;
}

export interface StreamResult {
  accepted: AcceptedEvent[];
  /** non-202 answers by status (0 = request error) */
  rejected: Map<number, number>;
  /** every non-202 answer, in arrival order */
  refusals: Refusal[];
}

export interface StreamOptions {
  gatewayUrl: string;
  project: string;
  token: string;
  total: number;
  perSecond: number;
  maxInFlight: number;
}

interface QueueReply {
  eventId: string;
  partition: number;
  deliveries: { id: string; trigger: string }[];
}

async function queueOne(options: StreamOptions, index: number, result: StreamResult): Promise<void> {
  try {
    const res = await fetch(`${options.gatewayUrl}/v1/api/${options.project}/eventing/queue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'order.paid', payload: { order: index } }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 202) {
      result.rejected.set(res.status, (result.rejected.get(res.status) ?? 0) + 1);
      result.refusals.push({ status: res.status, at: Date.now(), retryAfter: res.headers.get('retry-after') });
      return;
    }
    const reply = JSON.parse(text) as QueueReply;
    result.accepted.push({
      eventId: reply.eventId,
      partition: reply.partition,
      deliveryIds: reply.deliveries.map((d) => d.id),
      acceptedAt: Date.now(),
    });
  } catch {
    result.rejected.set(0, (result.rejected.get(0) ?? 0) + 1);
    result.refusals.push({ status: 0, at: Date.now(), retryAfter: null });
  }
}

/** Queues `total` events at `perSecond`; resolves when every request has been answered. */
export async function runEventStream(options: StreamOptions): Promise<StreamResult> {
  const result: StreamResult = { accepted: [], rejected: new Map(), refusals: [] };
  const inFlight = new Set<Promise<void>>();
  const start = Date.now();
  for (let i = 0; i < options.total; i++) {
    const due = start + (i * 1000) / options.perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
    const request = queueOne(options, i, result).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return result;
}
