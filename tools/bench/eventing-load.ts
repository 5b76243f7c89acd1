// Benchmark helper (not a test): the load generator and latency measurement of the eventing benchmark.
// Runs in the benchmark process, next to the receiver, so send and receipt share one monotonic clock.
import { Agent, request } from 'undici';
import { type WebhookReceiver } from './testing-harness';

export const IN_FLIGHT = 64;
/** offered rate of the latency run (events/s); BENCH_RATE overrides, the goals are stated at 1000 */
export const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
export const PACED_SECONDS = 3;
/**
 * Events per ingest request (BENCH_BATCH, 1–500, default 1: one POST per event). Above 1 the load goes
 * to each path's batch form, with about IN_FLIGHT events (at least 2 requests) outstanding.
 */
export const BATCH = Math.min(Math.max(1, Math.floor(Number(process.env['BENCH_BATCH'] ?? 1)) || 1), 500);
const requestsInFlight = (batch: number): number =>
  batch === 1 ? IN_FLIGHT : Math.max(2, Math.ceil(IN_FLIGHT / batch));

export interface Ingest {
  /** the single-event endpoint and the batch one */
  readonly url: string;
  readonly batchUrl: string;
  readonly headers: Record<string, string>;
  readonly body: (seq: number) => unknown;
  /** the request body of a batch of `body(seq)` values */
  readonly batchBody: (bodies: unknown[]) => unknown;
  readonly accepted: number;
}

/** Sends the events `seq`..`seq + count - 1` in one request (`count` ≤ BATCH). */
export type Send = (seq: number, count: number) => Promise<void>;

export interface RunResult {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  /** Spaceport only (its CloudEvent `time` is the gateway's accept time): p50 of accept → receipt, ms */
  readonly deliveryP50?: number;
  /** every event sent (warm-up, throughput and paced runs) */
  readonly events: number;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** The `seq` of a received body: CloudEvents `data.seq` (Spaceport) or top-level `seq` (baseline). */
function seqOf(body: string): number {
  const parsed = JSON.parse(body) as { data?: { seq?: number }; seq?: number };
  return parsed.data?.seq ?? parsed.seq ?? -1;
}

/** Waits until `count` receipts or 60 s. */
export async function receipts(receiver: WebhookReceiver, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (receiver.received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  if (receiver.received.length < count) throw new Error(`only ${receiver.received.length}/${count} received`);
}

/** The body of event `seq` for the baselines' producers. */
export const baselineBody = (seq: number): unknown => ({ seq, payload: { orderId: `o-${seq}`, amount: 42 } });

/** The body of event `seq` for Spaceport's queue API (64 partition keys). */
export const spaceportBody = (seq: number): unknown => ({
  type: 'order.paid',
  payload: { seq, orderId: `o-${seq}`, amount: 42 },
  partitionKey: `k${seq % 64}`,
});

/** A baseline producer at `url` (baseline-producer.ts): a body per POST, or a JSON array of them. */
export const baselineIngest = (url: string): Ingest => ({
  url: `${url}/queue`,
  batchUrl: `${url}/queue/batch`,
  headers: {},
  body: baselineBody,
  batchBody: (bodies) => bodies,
  accepted: 202,
});

/** Spaceport's queue API at `gatewayUrl` for the benchmark project (`queue` and `queue/batch`). */
export const spaceportIngest = (gatewayUrl: string, projectToken: string): Ingest => ({
  url: `${gatewayUrl}/v1/api/shop/eventing/queue`,
  batchUrl: `${gatewayUrl}/v1/api/shop/eventing/queue/batch`,
  headers: { authorization: `Bearer ${projectToken}` },
  body: spaceportBody,
  batchBody: (events) => ({ events }),
  accepted: 202,
});

/** POSTs events to the ingest, one per request or (`batch` > 1) a batch; throws unless it answered `accepted`. */
export function poster(ingest: Ingest, client: Agent, batch = BATCH): Send {
  return async (seq, count) => {
    const body =
      batch === 1 ? ingest.body(seq) : ingest.batchBody(Array.from({ length: count }, (_, i) => ingest.body(seq + i)));
    const res = await request(batch === 1 ? ingest.url : ingest.batchUrl, {
      method: 'POST',
      dispatcher: client,
      headers: { 'content-type': 'application/json', ...ingest.headers },
      body: JSON.stringify(body),
    });
    await res.body.dump();
    if (res.statusCode !== ingest.accepted) throw new Error(`ingest answered ${res.statusCode}`);
  };
}

/** Sends events 0..count-1, `batch` per request, with about IN_FLIGHT events (at least 2 requests) outstanding. */
export async function sendAll(count: number, send: Send, batch = BATCH): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: requestsInFlight(batch) }, async () => {
      while (next < count) {
        const seq = next;
        next += batch;
        await send(seq, Math.min(batch, count - seq));
      }
    }),
  );
}

/** Sends `count` events (as sendAll does); events/s until the last receipt. */
async function throughput(receiver: WebhookReceiver, count: number, send: Send): Promise<number> {
  receiver.clear();
  const t0 = performance.now();
  await sendAll(count, send);
  await receipts(receiver, count);
  return count / ((performance.now() - t0) / 1000);
}

/**
 * p50 of the part after ingest: from the accept time the gateway put into the CloudEvent (`time`, ms
 * resolution, wall clock of this machine) to the receipt; undefined for bodies without it (baselines).
 */
function deliveryP50(received: readonly { body: string; at: number }[]): number | undefined {
  const delays: number[] = [];
  for (const got of received) {
    const time = (JSON.parse(got.body) as { time?: string }).time;
    if (time !== undefined) delays.push(got.at - (Date.parse(time) - performance.timeOrigin));
  }
  return delays.length > 0 ? percentile(delays, 50) : undefined;
}

/** Offers RATE events/s (in BATCH-sized requests) for PACED_SECONDS; p50/p99 of ingest-request-start to receipt, ms. */
async function paced(
  receiver: WebhookReceiver,
  send: Send,
): Promise<{ p50: number; p99: number; deliveryP50?: number }> {
  receiver.clear();
  const sentAt = new Map<number, number>();
  const total = RATE * PACED_SECONDS;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let seq = 0; seq < total; seq += BATCH) {
    const wait = t0 + (seq * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const count = Math.min(BATCH, total - seq);
    const at = performance.now();
    for (let i = 0; i < count; i += 1) sentAt.set(seq + i, at);
    pending.push(send(seq, count));
  }
  await Promise.all(pending);
  await receipts(receiver, total);
  const latencies = receiver.received.map((got) => got.at - (sentAt.get(seqOf(got.body)) ?? NaN));
  const delivery = deliveryP50(receiver.received);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(delivery === undefined ? {} : { deliveryP50: delivery }),
  };
}

/** A warm-up, then the throughput run of `count` events, then the paced latency run. */
export async function measure(receiver: WebhookReceiver, ingest: Ingest, count: number): Promise<RunResult> {
  const client = new Agent({ keepAliveTimeout: 30_000, connections: IN_FLIGHT });
  try {
    const send = poster(ingest, client);
    const warmUp = Math.min(500, count);
    await throughput(receiver, warmUp, send);
    const rate = await throughput(receiver, count, send);
    return { rate, ...(await paced(receiver, send)), events: warmUp + count + RATE * PACED_SECONDS };
  } finally {
    await client.close();
  }
}
