// Per-hop diagnostic (not a test): the delivery side alone — the CPU per delivered event of a worker
// draining a backlog: Spaceport's built event-worker against the two baseline workers (bench-process.ts
// `startBaseline`). Per path and round: the queues are paused, a warm-up and then N events are queued in
// batches (Spaceport's `queue/batch`, the baselines' `addBulk`), and after each the queues are resumed
// and the worker's and Redis's CPU is counted until the receiver has every event. Nothing else runs
// meanwhile and every queue is dense, so this is the per-delivery cost without ingest competing for the
// cores and without the wake-ups of lightly loaded queues.
// Run: npm run bench -- delivery-drain   (BENCH_EVENTS=N, default 6000; BENCH_ROUNDS=R, default 3;
// BENCH_PATHS=spaceport,protocol runs some paths, without a results block; BENCH_PARTITIONS=P)
import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent } from 'undici';
import { partitionQueueName, partitionQueuePrefix } from '@spaceport/eventing';
import { benchEnvironment, writeBenchMarkdown } from '../bench-markdown';
import {
  BENCH_PROJECT_TOKEN,
  launchBenchStack,
  median,
  runBenchWithRedis,
  runRound,
  startBaseline,
} from '../bench-process';
import { baselineIngest, IN_FLIGHT, type Ingest, poster, receipts, sendAll, spaceportIngest } from '../eventing-load';
import { WebhookReceiver } from '../testing-harness';
import { cpuMsOf } from '../usage-counters';

const N = Math.min(Number(process.env['BENCH_EVENTS'] ?? 6000), 20_000);
const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3)), 9);
const WARM_UP = 1_000;
/** events per ingest request while filling the backlog */
const FILL_BATCH = 100;
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 32);

type Path = 'raw' | 'protocol' | 'spaceport';
interface Drained {
  readonly workerMs: number;
  readonly redisMs: number;
  /** deliveries/s from resume to the last receipt */
  readonly rate: number;
}

/** Queues `count` events into the paused `queues`, then resumes them and counts CPU until all arrived. */
async function drainOnce(
  receiver: WebhookReceiver,
  queues: readonly Queue[],
  ingest: Ingest,
  count: number,
  pids: { worker?: number; redis?: number },
): Promise<Drained> {
  await Promise.all(queues.map((queue) => queue.pause()));
  receiver.clear();
  const client = new Agent({ keepAliveTimeout: 30_000, connections: IN_FLIGHT });
  try {
    await sendAll(count, poster(ingest, client, FILL_BATCH), FILL_BATCH);
  } finally {
    await client.close();
  }
  await new Promise((r) => setTimeout(r, 500)); // the ingest's answers and the worker settle
  if (receiver.received.length > 0)
    throw new Error(`${receiver.received.length} events delivered while the queues were paused`);
  const worker = cpuMsOf(pids.worker);
  const redis = cpuMsOf(pids.redis);
  const t0 = performance.now();
  await Promise.all(queues.map((queue) => queue.resume()));
  await receipts(receiver, count);
  const seconds = (performance.now() - t0) / 1000;
  return {
    workerMs: (cpuMsOf(pids.worker) - worker) / count,
    redisMs: (cpuMsOf(pids.redis) - redis) / count,
    rate: count / seconds,
  };
}

/** A warm-up drain, then the measured one; the BullMQ queue handles are closed afterwards. */
async function drain(
  redisUrl: string,
  receiver: WebhookReceiver,
  queueAddresses: readonly { name: string; prefix?: string }[],
  ingest: Ingest,
  pids: { worker?: number; redis?: number },
): Promise<Drained> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = queueAddresses.map(
    ({ name, prefix }) => new Queue(name, { connection, ...(prefix ? { prefix } : {}) }),
  );
  try {
    await drainOnce(receiver, queues, ingest, WARM_UP, pids);
    return await drainOnce(receiver, queues, ingest, N, pids);
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    connection.disconnect();
  }
}

async function baseline(
  kind: 'raw' | 'protocol',
  workDir: string,
  redisUrl: string,
  redisPid: number | undefined,
  receiver: WebhookReceiver,
): Promise<Drained> {
  const path = await startBaseline(kind, workDir, redisUrl, `${receiver.url}/base`, IN_FLIGHT);
  try {
    return await drain(redisUrl, receiver, [{ name: path.queue }], baselineIngest(path.producer.url), {
      worker: path.worker.proc.pid,
      redis: redisPid,
    });
  } finally {
    await path.stop();
  }
}

async function spaceport(
  workDir: string,
  redisUrl: string,
  redisPid: number | undefined,
  receiver: WebhookReceiver,
): Promise<Drained> {
  const { stack, gateway, worker } = await launchBenchStack(workDir, redisUrl, 'drain', `${receiver.url}/sp`);
  try {
    // each partition's queue under its own hash-tagged prefix (docs/architecture.md#redis-key-layout)
    const queues = Array.from({ length: PARTITIONS }, (_, partition) => ({
      name: partitionQueueName('drain', partition),
      prefix: partitionQueuePrefix('bull', 'drain', partition),
    }));
    return await drain(redisUrl, receiver, queues, spaceportIngest(gateway.url, BENCH_PROJECT_TOKEN), {
      worker: worker.proc.pid,
      redis: redisPid,
    });
  } finally {
    await stack.stopAll();
  }
}

function resultsMarkdown(rounds: readonly Record<Path, Drained>[], loadAtStart: string): string {
  const paths: [Path, string][] = [
    ['raw', 'raw baseline worker: BullMQ worker → undici POST'],
    ['protocol', 'minimal once-only baseline worker: + ledger claim, HMAC, sent record + invocation'],
    ['spaceport', `Spaceport event-worker (${PARTITIONS} partition queues)`],
  ];
  const row = ([path, label]: [Path, string]): string => {
    const of = (f: (d: Drained) => number): number => median(rounds.map((r) => f(r[path])));
    return `| ${label} | ${of((d) => d.workerMs).toFixed(3)} ms | ${rounds.map((r) => r[path].workerMs.toFixed(3)).join(', ')} | ${of((d) => d.redisMs).toFixed(3)} ms | ${of((d) => d.rate).toFixed(0)} |`;
  };
  const ratios = (base: Path): string =>
    rounds.map((r) => (r.spaceport.workerMs / r[base].workerMs).toFixed(2)).join(', ');
  return [
    `Result (${benchEnvironment()}; load average at start ${loadAtStart}; ${rounds.length} round${rounds.length === 1 ? '' : 's'}, each path draining a backlog of ${N} events after a ${WARM_UP}-event warm-up drain):`,
    '',
    '| worker | worker CPU per event (median) | every round | Redis CPU per event (median) | deliveries/s (median) |',
    '|---|---|---|---|---|',
    ...paths.map(row),
    '',
    `Spaceport's worker ÷ raw worker: ${ratios('raw')}; ÷ minimal once-only worker: ${ratios('protocol')}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  await runBenchWithRedis('spaceport-bench-drain-', async (workDir, redis) => {
    const receiver = await new WebhookReceiver().start();
    const loadAtStart = loadavg()
      .map((l) => l.toFixed(2))
      .join(', ');
    try {
      const complete: Record<Path, Drained>[] = [];
      const chosen = (process.env['BENCH_PATHS'] ?? 'raw,protocol,spaceport').split(',');
      const order = (['raw', 'protocol', 'spaceport'] as Path[]).filter((path) => chosen.includes(path));
      for (let round = 1; round <= ROUNDS; round += 1) {
        const paths = {
          raw: () => baseline('raw', workDir, redis.url, redis.process.pid, receiver),
          protocol: () => baseline('protocol', workDir, redis.url, redis.process.pid, receiver),
          spaceport: () => spaceport(workDir, redis.url, redis.process.pid, receiver),
        };
        const results = await runRound(round, order, paths, redis.url);
        const line = Object.entries(results)
          .map(
            ([path, d]) =>
              `${path} worker ${d.workerMs.toFixed(3)} ms/event, redis ${d.redisMs.toFixed(3)}, ${d.rate.toFixed(0)}/s`,
          )
          .join('; ');
        console.log(`round ${round}: ${line}`);
        if (results.raw && results.protocol && results.spaceport)
          complete.push({ raw: results.raw, protocol: results.protocol, spaceport: results.spaceport });
      }
      if (complete.length === ROUNDS) writeBenchMarkdown(resultsMarkdown(complete, loadAtStart));
    } finally {
      await receiver.close();
    }
  });
}

void main();
