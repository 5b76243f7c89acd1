// Benchmark (not a test): events through Spaceport's built processes — gateway (queue API) → Redis/
// BullMQ partition queue → event-worker → a local receiver — against a baseline of two processes, a
// node:http ingest doing one BullMQ `queue.add` and a plain BullMQ worker POSTing with undici. The load
// generator and the receiver run in this process for both paths; figures are ratios from the same run.
// Started by eventing-throughput.ts (workspace aliases). Build first: `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppStack } from '../../libs/testing/src/app-stack';
import { call, projectBody, spaceCloudTrigger } from '../../libs/testing/src/config-api-client';
import { ManagedProcess } from '../../libs/testing/src/managed-process';
import { freePort } from '../../libs/testing/src/ports';
import { startRedisServer } from '../../libs/testing/src/redis-server';
import { waitFor } from '../../libs/testing/src/wait';
import { TestReceiver } from '../../libs/eventing/src/test-support/receiver';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { commandCounts, cpuMsOf, perEvent, totalPerEvent } from './redis-commandstats';
import { IN_FLIGHT, measure, PACED_SECONDS, RATE, type RunResult } from './eventing-load';
import { provisionIntoEnv } from '../../libs/testing/src/provision-env';

const N = Math.min(Number(process.env['BENCH_EVENTS'] ?? 3000), 20_000);
const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const ROOT = resolve(__dirname, '../..');


/** A bench helper script (tools/bench/<script>.ts) as a child process under vite-node; waits for /healthz. */
async function startHelper(workDir: string, script: string, env: NodeJS.ProcessEnv): Promise<{ proc: ManagedProcess; url: string }> {
  const port = await freePort();
  const proc = new ManagedProcess({
    name: script, command: process.execPath, cwd: ROOT, logFile: join(workDir, `${script}.log`),
    args: [resolve(ROOT, 'node_modules/vite-node/vite-node.mjs'), resolve(__dirname, `${script}.ts`)],
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), ...env, ...(process.env['BENCH_CPU_PROF'] ? { NODE_OPTIONS: `--import ${process.env['BENCH_CPU_PROF']}`, PROF_DIR: workDir, NODE_ID: script } : {}) },
  });
  proc.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, { what: `${script} /healthz`, timeoutMs: 30_000, intervalMs: 50 });
  return { proc, url };
}

interface CountedResult extends RunResult {
  /** CPU ms per event of each process, in the order given */
  readonly cpuMsPerEvent: readonly (readonly [string, number])[];
  readonly redisCommandsPerEvent: number;
}

/** Runs `run`; prints the Redis commands and the CPU ms per event of each process (`pids`) it caused. */
async function counted(redisUrl: string, label: string, pids: Record<string, number | undefined>, run: () => Promise<RunResult>): Promise<CountedResult> {
  const before = await commandCounts(redisUrl);
  const cpuBefore = Object.entries(pids).map(([name, pid]) => [name, pid, cpuMsOf(pid)] as const);
  const result = await run();
  const after = await commandCounts(redisUrl);
  const cpuMsPerEvent = cpuBefore.map(([name, pid, at]) => [name, (cpuMsOf(pid) - at) / result.events] as const);
  console.log(`${label}: ${perEvent(before, after, result.events)}`);
  console.log(`${label}: CPU ms/event: ${cpuMsPerEvent.map(([name, ms]) => `${name} ${ms.toFixed(3)}`).join(', ')}`);
  return { ...result, cpuMsPerEvent, redisCommandsPerEvent: totalPerEvent(before, after, result.events) };
}

/** The results block of docs/benchmarks.md (`npm run bench`). */
function resultsMarkdown(base: CountedResult, sp: CountedResult, loadAtStart: string): string {
  const cpu = (r: CountedResult): string => r.cpuMsPerEvent.filter(([name]) => name !== 'bench').map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ');
  const total = (r: CountedResult): number => r.cpuMsPerEvent.filter(([name]) => name !== 'bench').reduce((sum, [, ms]) => sum + ms, 0);
  const row = (path: string, r: CountedResult): string =>
    `| ${path} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${cpu(r)} (total ${total(r).toFixed(2)}) | ${r.redisCommandsPerEvent.toFixed(1)} |`;
  return [
    `Result (${benchEnvironment()}; load average at start ${loadAtStart}; ${N} events for throughput, ${RATE * PACED_SECONDS} offered at ${RATE}/s):`,
    '',
    `| path | events/s | p50 @ ${RATE}/s | p99 @ ${RATE}/s | CPU ms/event | Redis commands/event |`,
    '|---|---|---|---|---|---|',
    row('baseline: node:http + BullMQ add → BullMQ worker → undici', base),
    row('Spaceport: gateway → event-worker', sp),
    '',
    `Ratio: throughput **${(sp.rate / base.rate).toFixed(2)}×** the baseline, p50 ${(sp.p50 / base.p50).toFixed(2)}×, p99 ${(sp.p99 / base.p99).toFixed(2)}×;`
      + ` CPU per event ${(total(sp) / total(base)).toFixed(2)}×.`,
  ].join('\n');
}

async function baseline(workDir: string, redisUrl: string, redisPid: number | undefined, receiver: TestReceiver): Promise<CountedResult> {
  const common = { REDIS_URL: redisUrl, QUEUE: 'baseline' };
  const worker = await startHelper(workDir, 'baseline-worker', { ...common, TARGET_URL: `${receiver.url}/base`, CONCURRENCY: String(IN_FLIGHT) });
  const producer = await startHelper(workDir, 'baseline-producer', common);
  try {
    const body = (seq: number): unknown => ({ seq, payload: { orderId: `o-${seq}`, amount: 42 } });
    const pids = { producer: producer.proc.pid, worker: worker.proc.pid, redis: redisPid, bench: process.pid };
    return await counted(redisUrl, 'baseline', pids, () => measure(receiver, { url: `${producer.url}/queue`, headers: {}, body, accepted: 202 }, N));
  } finally {
    await producer.proc.stop(3_000);
    await worker.proc.stop(3_000);
  }
}

/** Project `shop` with one trigger to `target`; BENCH_PARTITIONS=P sets the partition count (default 32). */
async function configure(gatewayUrl: string, target: string): Promise<void> {
  if ((await call(gatewayUrl, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status !== 200) throw new Error('project not created');
  const trigger = await call(gatewayUrl, 'POST', '/v1/config/projects/shop/eventing/triggers/bench', ADMIN, spaceCloudTrigger('bench', target));
  if (trigger.status !== 200) throw new Error(`trigger not created: ${trigger.status}`);
  const partitions = process.env['BENCH_PARTITIONS'];
  if (partitions === undefined) return;
  const set = await call(gatewayUrl, 'POST', '/v1/config/projects/shop/eventing/config', ADMIN, { partitionCount: Number(partitions) });
  if (set.status !== 200) throw new Error(`partition count not set: ${set.status} ${JSON.stringify(set.body)}`);
}

async function spaceport(workDir: string, redisUrl: string, redisPid: number | undefined, receiver: TestReceiver): Promise<CountedResult> {
  const stack = new AppStack({
    workDir, redisUrl, clusterId: 'bench', configPath: join(workDir, 'spaceport.yaml'),
    adminToken: ADMIN, readToken: 'read-token-0123456789abcdef', heartbeat: '1s',
    extraEnv: {
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
      ...(process.env['EVENTING_CONCURRENCY'] ? { EVENTING_CONCURRENCY: process.env['EVENTING_CONCURRENCY'] } : {}),
      // BENCH_CPU_PROF=<abs path of cpu-profile-preload.mjs>: a V8 profile per app in the work dir (with BENCH_KEEP=1)
      ...(process.env['BENCH_CPU_PROF'] ? { NODE_OPTIONS: `--import ${process.env['BENCH_CPU_PROF']}`, PROF_DIR: workDir } : {}),
    },
  });
  try {
    await stack.launch('config-service', 'config-service');
    const gateway = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('gateway holds a config', (s) => s.status === 'ready');
    await configure(gateway.url, `${receiver.url}/sp`);
    const worker = await stack.launch('event-worker', 'worker-1');
    await stack.waitForMirrors('trigger mirrored', (s) => s.config.projects['shop']?.triggers['bench'] !== undefined, 15_000);
    await new Promise((r) => setTimeout(r, 1_000)); // the worker starts its partition consumers
    const body = (seq: number): unknown => ({ type: 'order.paid', payload: { seq, orderId: `o-${seq}`, amount: 42 }, partitionKey: `k${seq % 64}` });
    const ingest = { url: `${gateway.url}/v1/api/shop/eventing/queue`, headers: { authorization: `Bearer ${PROJECT_TOKEN}` }, body, accepted: 202 };
    const pids = { gateway: gateway.proc.pid, worker: worker.proc.pid, redis: redisPid, bench: process.pid };
    return await counted(redisUrl, 'spaceport', pids, () => measure(receiver, ingest, N));
  } finally {
    await stack.stopAll();
  }
}

async function main(): Promise<void> {
  provisionIntoEnv();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-bench-eventing-'));
  const redis = await startRedisServer();
  const receiver = await new TestReceiver().start();
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');
  try {
    const loadAtStart = load();
    console.log(`load average at start: ${loadAtStart}`);
    const base = await baseline(workDir, redis.url, redis.process.pid, receiver);
    const sp = await spaceport(workDir, redis.url, redis.process.pid, receiver);
    const f = (n: number): string => n.toFixed(1);
    console.log(`events: ${N} throughput (after 500 warm-up), ${RATE * PACED_SECONDS} paced at ${RATE}/s; load average at end: ${load()}`);
    console.log(`baseline (http ingest → BullMQ → worker → undici): ${f(base.rate)} ev/s, p50 ${f(base.p50)} ms, p99 ${f(base.p99)} ms`);
    console.log(`spaceport (gateway → event-worker): ${f(sp.rate)} ev/s, p50 ${f(sp.p50)} ms, p99 ${f(sp.p99)} ms`);
    console.log(`ratio throughput ${(sp.rate / base.rate).toFixed(2)}x, p50 ${(sp.p50 / base.p50).toFixed(2)}x, p99 ${(sp.p99 / base.p99).toFixed(2)}x`);
    writeBenchMarkdown(resultsMarkdown(base, sp, loadAtStart));
  } finally {
    await receiver.stop();
    await redis.stop();
    if (!process.env['BENCH_KEEP']) rmSync(workDir, { recursive: true, force: true });
    else console.log(`logs in ${workDir}`);
  }
  process.exit(0);
}

void main();
