// Benchmark (not a test): Redis memory per accepted event. Spaceport's built processes (config-service,
// gateway, one event-worker; standalone, 32 partitions, one project with one trigger) and a real
// redis-server take N events of a ~330-byte payload at a steady rate, every other one under an
// Idempotency-Key, with a small retention.maxCount so the event log reaches its steady state within the
// run. Then the worker stops and a backlog is queued, the stack stops, and every kind of key is counted
// and deleted in turn: what that frees is its cost (memory-census.ts). From those costs and the default
// retention, memory-model.ts extrapolates the steady state at 500 events/s, for the retention of this
// version and of the one before (sent records 7 days, count-pruned events kept to maxAgeMs).
// Run: npm run bench -- redis-memory   (BENCH_EVENTS=N, default 15000, max 50000; BENCH_RATE=r, default
// 500/s; BENCH_MAX_COUNT=m, default 5000)
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { writeBenchMarkdown } from './bench-markdown';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_PROJECT_TOKEN,
  type BenchStack,
  launchBenchStack,
  runBenchWithRedis,
} from './bench-process';
import {
  type KeyKind,
  KEY_KINDS,
  keysByKind,
  type KindCost,
  measureAndDelete,
  ttlsOf,
  usedMemory,
} from './memory-census';
import { memoryMarkdown, type MemoryRun } from './memory-report';
import { call, waitFor, WebhookReceiver } from './testing-harness';

const N = Math.min(Math.max(1_000, Number(process.env['BENCH_EVENTS'] ?? 15_000)), 50_000);
const RATE = Math.min(Math.max(10, Number(process.env['BENCH_RATE'] ?? 500)), 2_000);
const MAX_COUNT = Math.min(Math.max(100, Number(process.env['BENCH_MAX_COUNT'] ?? 5_000)), N);
/** deliveries queued with the worker stopped, to measure what a backlog costs per job */
const BACKLOG = 500;
const IN_FLIGHT = 64;
const CLUSTER = 'bench';

/** A ~330-byte order (canonical JSON 329–331 bytes). */
export function orderPayload(seq: number): Record<string, unknown> {
  return {
    orderId: `ord_${String(seq).padStart(12, '0')}`,
    status: 'paid',
    total: 8997,
    currency: 'EUR',
    paidAt: new Date(Date.UTC(2026, 0, 1) + seq * 2_000).toISOString(),
    customer: {
      id: `cus_${String((seq * 7919) % 1_000_000).padStart(8, '0')}`,
      email: `customer.${seq % 1_000}@example.com`,
      country: 'DE',
    },
    items: [
      { sku: 'SKU-10234-BLK-M', quantity: 2, unitPrice: 1999 },
      { sku: 'SKU-20871-NAT', quantity: 1, unitPrice: 4999 },
    ],
    channel: 'web',
  };
}

/** Sets the log's maxCount and waits until the gateway and the worker hold it. */
async function setMaxCount({ stack, gateway }: BenchStack): Promise<void> {
  const path = '/v1/config/projects/shop/eventing/config';
  const set = await call(gateway.url, 'POST', path, BENCH_ADMIN_TOKEN, { retention: { maxCount: MAX_COUNT } });
  if (set.status !== 200) throw new Error(`retention not set: ${set.status} ${JSON.stringify(set.body)}`);
  const version = Number(set.body['version']);
  await stack.waitForMirrors('retention mirrored', (s) => (s.config.version ?? 0) >= version, 15_000);
}

/** Events `from`…`to - 1`, at RATE/s with at most IN_FLIGHT outstanding; every other one keyed when `keyed`. */
async function sendPaced(gatewayUrl: string, from: number, to: number, keyed: boolean): Promise<void> {
  const client = new Agent({ keepAliveTimeout: 30_000, connections: IN_FLIGHT });
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  try {
    for (let seq = from; seq < to; seq += 1) {
      const wait = started + ((seq - from) * 1_000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      const sent = queueOne(client, gatewayUrl, seq, keyed && seq % 2 === 0).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await Promise.all(inFlight);
  } finally {
    await client.close();
  }
}

async function queueOne(client: Agent, gatewayUrl: string, seq: number, keyed: boolean): Promise<void> {
  const res = await request(`${gatewayUrl}/v1/api/shop/eventing/queue`, {
    method: 'POST',
    dispatcher: client,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${BENCH_PROJECT_TOKEN}`,
      ...(keyed ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: JSON.stringify({ type: 'order.paid', payload: orderPayload(seq) }),
  });
  await res.body.dump();
  if (res.statusCode !== 202) throw new Error(`ingest answered ${res.statusCode}`);
}

/** The run: load at a steady rate, the steady-state growth, then the backlog. */
async function load(
  bench: BenchStack,
  redis: Redis,
  receiver: WebhookReceiver,
): Promise<Omit<MemoryRun, 'costs' | 'stopped' | 'leftOver'>> {
  await setMaxCount(bench);
  await sleep(2_000);
  const baseline = await usedMemory(redis);
  const untilDelivered = async (count: number): Promise<void> => {
    await waitFor(() => receiver.countByWebhookId.size >= count, { what: `${count} deliveries`, timeoutMs: 120_000 });
  };
  const firstPart = Math.min(N, Math.round(MAX_COUNT * 1.2));
  await sendPaced(bench.gateway.url, 0, firstPart, true);
  await untilDelivered(firstPart);
  const atLogFull = await usedMemory(redis);
  await sendPaced(bench.gateway.url, firstPart, N, true);
  await untilDelivered(N);
  await sleep(2_000); // the last jobs complete and are removed
  const end = await usedMemory(redis);
  const sent = (await keysByKind(redis, CLUSTER)).get('sent record') ?? [];
  const sentTtlsMs = await ttlsOf(redis, sent, 2_000);
  await bench.worker.proc.stop(10_000);
  await sendPaced(bench.gateway.url, N, N + BACKLOG, false);
  return {
    events: N,
    rate: RATE,
    maxCount: MAX_COUNT,
    backlog: BACKLOG,
    baseline,
    end,
    steadyGrowthPerEvent: (end - atLogFull) / (N - firstPart),
    steadyFrom: firstPart,
    sentTtlsMs,
  };
}

/** Counts every kind of key, then deletes them kind by kind (the stack stopped), measuring what each frees. */
async function census(redis: Redis): Promise<KindCost[]> {
  const kinds = await keysByKind(redis, CLUSTER);
  const costs: KindCost[] = [];
  const order: KeyKind[] = KEY_KINDS.filter((kind) => kind !== 'other');
  for (const kind of order) costs.push(await measureAndDelete(redis, kind, kinds.get(kind) ?? []));
  return costs;
}

async function main(): Promise<void> {
  await runBenchWithRedis('spaceport-bench-memory-', async (workDir, server) => {
    const receiver = await new WebhookReceiver(() => ({ status: 204 })).start();
    const redis = new Redis(server.url);
    const bench = await launchBenchStack(workDir, server.url, CLUSTER, `${receiver.url}/sp`);
    try {
      const run = await load(bench, redis, receiver);
      await bench.stack.stopAll();
      const stopped = await usedMemory(redis);
      const costs = await census(redis);
      const leftOver = await usedMemory(redis);
      const result: MemoryRun = { ...run, costs, stopped, leftOver };
      console.log(JSON.stringify(result, null, 1));
      writeBenchMarkdown(memoryMarkdown(result));
    } finally {
      await bench.stack.stopAll();
      await receiver.close();
      redis.disconnect();
    }
  });
}

void main();
