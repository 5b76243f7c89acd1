// Benchmark (not a test): events through gateway → Redis/BullMQ → event-worker → a local receiver,
// against a baseline of a plain BullMQ queue + worker POSTing the same bodies with undici, in one run.
// Started by eventing-throughput.ts (which adds the workspace aliases and SWC decorator metadata).
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { EventDeliveryModule, EventIngestModule } from '@spaceport/eventing';
import { startRedisServer } from '../../libs/testing/src/redis-server';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { startTestApp } from '../../libs/eventing/src/test-support/apps';
import { shopSpec, TOKEN } from '../../libs/eventing/src/test-support/fixtures';
import { TestReceiver } from '../../libs/eventing/src/test-support/receiver';
import { snapshotOf, StaticConfigView } from '../../libs/eventing/src/test-support/snapshot';

const N = Math.min(Number(process.env['BENCH_EVENTS'] ?? 3000), 20_000);
const RATE = 1000;
const PACED_SECONDS = 3;
const IN_FLIGHT = 64;
const sent = new Map<number, number>();
const latencies: number[] = [];

function provisionEnv(): void {
  const out = execFileSync(process.execPath, [resolve(__dirname, '../provision/provision.mjs'), '--print-env'], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) process.env[line.slice(0, eq)] = line.slice(eq + 1);
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Waits until `count` receipts or 60 s. */
async function receipts(receiver: TestReceiver, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (receiver.received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  if (receiver.received.length < count) throw new Error(`only ${receiver.received.length}/${count} received`);
}

/** Sends `count` events with at most IN_FLIGHT outstanding; returns events/s until the last receipt. */
async function throughput(receiver: TestReceiver, count: number, send: (seq: number) => Promise<void>): Promise<number> {
  receiver.received.length = 0;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) await send(next++);
  }));
  await receipts(receiver, count);
  return count / ((performance.now() - t0) / 1000);
}

/** Offers RATE events/s for PACED_SECONDS; returns p50/p99 ingest-to-receipt latency in ms. */
async function paced(receiver: TestReceiver, send: (seq: number) => Promise<void>): Promise<{ p50: number; p99: number }> {
  receiver.received.length = 0;
  latencies.length = 0;
  sent.clear();
  const total = RATE * PACED_SECONDS;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let seq = 0; seq < total; seq += 1) {
    const due = t0 + (seq * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.set(seq, performance.now());
    pending.push(send(seq));
  }
  await Promise.all(pending);
  await receipts(receiver, total);
  for (const got of receiver.received) {
    const seq = (JSON.parse(got.body) as { data?: { seq: number }; seq?: number }).data?.seq ?? (JSON.parse(got.body) as { seq: number }).seq;
    latencies.push(got.at - sent.get(seq)!);
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function baseline(redisUrl: string, receiver: TestReceiver) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('baseline', { connection });
  const worker = new Worker('baseline', async (job) => {
    const res = await request(`${receiver.url}/base`, { method: 'POST', body: JSON.stringify(job.data), headers: { 'content-type': 'application/json' }, dispatcher: agent });
    await res.body.dump();
  }, { connection, concurrency: IN_FLIGHT });
  const send = async (seq: number): Promise<void> => void (await queue.add('e', { seq, payload: { orderId: `o-${seq}`, amount: 42 } }, { removeOnComplete: true }));
  const rate = await throughput(receiver, N, send);
  const latency = await paced(receiver, send);
  await worker.close();
  await queue.close();
  connection.disconnect();
  await agent.close();
  return { rate, ...latency };
}

async function spaceport(redisUrl: string, receiver: TestReceiver) {
  process.env['REDIS_URL'] = redisUrl;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_CONCURRENCY'] = String(IN_FLIGHT / 4);
  const view = new StaticConfigView(snapshotOf(shopSpec({ bench: { type: 'bench', url: `${receiver.url}/sp` } })));
  const gateway = await startTestApp('gateway', 'bench-gw', EventIngestModule, view);
  const worker = await startTestApp('event-worker', 'bench-worker', EventDeliveryModule, view);
  await new Promise((r) => setTimeout(r, 500));
  const client = new Agent({ keepAliveTimeout: 30_000, connections: IN_FLIGHT });
  const send = async (seq: number): Promise<void> => {
    const res = await request(`${gateway.url}/v1/api/shop/eventing/queue`, {
      method: 'POST', dispatcher: client,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ type: 'bench', payload: { seq, orderId: `o-${seq}`, amount: 42 }, partitionKey: `k${seq % 64}` }),
    });
    await res.body.dump();
    if (res.statusCode !== 202) throw new Error(`gateway answered ${res.statusCode}`);
  };
  const rate = await throughput(receiver, N, send);
  const latency = await paced(receiver, send);
  await worker.close();
  await gateway.close();
  await client.close();
  return { rate, ...latency };
}

async function main(): Promise<void> {
  provisionEnv();
  const redis = await startRedisServer();
  const receiver = await new TestReceiver().start();
  try {
    const base = await baseline(redis.url, receiver);
    const sp = await spaceport(redis.url, receiver);
    const f = (n: number): string => n.toFixed(1);
    console.log(`events: ${N} throughput, ${RATE * PACED_SECONDS} paced at ${RATE}/s`);
    console.log(`baseline (BullMQ + undici): ${f(base.rate)} ev/s, p50 ${f(base.p50)} ms, p99 ${f(base.p99)} ms`);
    console.log(`spaceport (gateway → worker): ${f(sp.rate)} ev/s, p50 ${f(sp.p50)} ms, p99 ${f(sp.p99)} ms`);
    console.log(`ratio throughput ${(sp.rate / base.rate).toFixed(2)}x, p50 ${(sp.p50 / base.p50).toFixed(2)}x, p99 ${(sp.p99 / base.p99).toFixed(2)}x`);
  } finally {
    await receiver.stop();
    await redis.stop();
  }
  process.exit(0);
}

void main();
