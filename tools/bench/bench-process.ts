// Benchmark helpers shared by the benchmarks that start processes (not a test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ROOT, viteNodeArgs } from './benchmarks';
import {
  AppStack,
  call,
  freePort,
  type LaunchedApp,
  ManagedProcess,
  projectBody,
  provisionIntoEnv,
  type RedisServer,
  spaceCloudTrigger,
  startRedisServer,
  waitFor,
} from './testing-harness';

export const BENCH_ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const BENCH_READ_TOKEN = 'read-token-0123456789abcdef';
/** The project token of `projectBody` (the benchmarks' project `shop`). */
export const BENCH_PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';

/**
 * BENCH_PRELOAD=<abs path of a preload> (with BENCH_KEEP=1) `--import`s it into every process, writing
 * into `workDir`, named after `label` (the apps use their NODE_ID): diagnostics/cpu-profile-preload.mjs
 * (a V8 profile; PROF_INTERVAL_US samples) or diagnostics/event-loop-preload.mjs (loop utilization,
 * delay, GC per s).
 */
export function profilingEnv(workDir: string, label?: string): Record<string, string> {
  const preload = process.env['BENCH_PRELOAD'];
  if (!preload) return {};
  return {
    NODE_OPTIONS: `--import ${preload}`,
    PROF_DIR: workDir,
    PROF_INTERVAL_US: process.env['PROF_INTERVAL_US'] ?? '1000',
    ...(label ? { NODE_ID: label } : {}),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A bench helper script (tools/bench/<script>.ts) as a child process (viteNodeArgs); waits for /healthz. */
export async function startHelper(
  workDir: string,
  script: string,
  label: string,
  env: NodeJS.ProcessEnv,
): Promise<{ proc: ManagedProcess; url: string }> {
  const port = await freePort();
  const proc = new ManagedProcess({
    name: label,
    command: process.execPath,
    cwd: ROOT,
    logFile: join(workDir, `${label}.log`),
    args: viteNodeArgs(join(__dirname, `${script}.ts`)),
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), ...env, ...profilingEnv(workDir, label) },
  });
  proc.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200, {
    what: `${script} /healthz`,
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  return { proc, url };
}

/** Project `shop` with one trigger `bench` to `target`; BENCH_PARTITIONS=P sets the partition count (default 32). */
export async function configureBenchProject(gatewayUrl: string, target: string): Promise<void> {
  if (
    (await call(gatewayUrl, 'POST', '/v1/config/projects/shop', BENCH_ADMIN_TOKEN, projectBody('Shop'))).status !== 200
  )
    throw new Error('project not created');
  const trigger = await call(
    gatewayUrl,
    'POST',
    '/v1/config/projects/shop/eventing/triggers/bench',
    BENCH_ADMIN_TOKEN,
    spaceCloudTrigger('bench', target),
  );
  if (trigger.status !== 200) throw new Error(`trigger not created: ${trigger.status}`);
  const partitions = process.env['BENCH_PARTITIONS'];
  if (partitions === undefined) return;
  const set = await call(gatewayUrl, 'POST', '/v1/config/projects/shop/eventing/config', BENCH_ADMIN_TOKEN, {
    partitionCount: Number(partitions),
  });
  if (set.status !== 200) throw new Error(`partition count not set: ${set.status} ${JSON.stringify(set.body)}`);
}

/** A running standalone Spaceport for the benchmarks: its processes and the stack to stop. */
export interface BenchStack {
  readonly stack: AppStack;
  readonly gateway: LaunchedApp;
  readonly worker: LaunchedApp;
}

/**
 * config-service, gateway and one event-worker from `dist/` (standalone, config file in `workDir`,
 * cluster id `clusterId`), project `shop` with trigger `bench` to `target`, the worker's partition
 * consumers started; EVENTING_CONCURRENCY and BENCH_PRELOAD pass through, `env` is added to every app's
 * environment. Stop with `stack.stopAll()`.
 */
export async function launchBenchStack(
  workDir: string,
  redisUrl: string,
  clusterId: string,
  target: string,
  env: Readonly<Record<string, string>> = {},
): Promise<BenchStack> {
  const stack = new AppStack({
    workDir,
    redisUrl,
    clusterId,
    configPath: join(workDir, 'spaceport.yaml'),
    adminToken: BENCH_ADMIN_TOKEN,
    readToken: BENCH_READ_TOKEN,
    heartbeat: '1s',
    extraEnv: {
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
      ...(process.env['EVENTING_CONCURRENCY'] ? { EVENTING_CONCURRENCY: process.env['EVENTING_CONCURRENCY'] } : {}),
      ...profilingEnv(workDir),
      ...env,
    },
  });
  try {
    await stack.launch('config-service', 'config-service');
    const gateway = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('gateway holds a config', (s) => s.status === 'ready');
    await configureBenchProject(gateway.url, target);
    const worker = await stack.launch('event-worker', 'worker-1');
    await stack.waitForMirrors(
      'trigger mirrored',
      (s) => s.config.projects['shop']?.triggers['bench'] !== undefined,
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1_000)); // the worker starts its partition consumers
    return { stack, gateway, worker };
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
}

/** A running baseline path: its producer and worker processes (tools/bench/baseline-*.ts) and its queue. */
export interface BaselinePath {
  readonly producer: { readonly proc: ManagedProcess; readonly url: string };
  readonly worker: { readonly proc: ManagedProcess; readonly url: string };
  readonly queue: string;
  stop(): Promise<void>;
}

/**
 * A baseline path: `raw` is plain BullMQ + undici; `protocol` adds only what the once-only protocol
 * requires of every event (docs/architecture.md, Once-only delivery; PROTOCOL=1 in the helpers: an
 * event-log write at ingest; a fenced ledger claim, an HMAC, the sent record and an invocation append
 * per delivery), so the gap between the two is the cost of the protocol itself and the gap to
 * Spaceport is Spaceport's own. The worker POSTs to `target` with `concurrency` jobs at once.
 */
export async function startBaseline(
  kind: 'raw' | 'protocol',
  workDir: string,
  redisUrl: string,
  target: string,
  concurrency: number,
): Promise<BaselinePath> {
  const queue = `baseline-${kind}`;
  const common = { REDIS_URL: redisUrl, QUEUE: queue, PROTOCOL: kind === 'protocol' ? '1' : '0' };
  const worker = await startHelper(workDir, 'baseline-worker', `${kind}-worker`, {
    ...common,
    TARGET_URL: target,
    CONCURRENCY: String(concurrency),
  });
  const producer = await startHelper(workDir, 'baseline-producer', `${kind}-producer`, common).catch(
    async (error: unknown) => {
      await worker.proc.stop(3_000);
      throw error;
    },
  );
  return {
    producer,
    worker,
    queue,
    stop: async () => {
      await producer.proc.stop(3_000);
      await worker.proc.stop(3_000);
    },
  };
}

/** Empties Redis after each path, so every path starts from the same state. */
export async function flushAll(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true });
  try {
    await client.connect();
    await client.flushall();
  } finally {
    client.disconnect();
  }
}

/**
 * The frame of a benchmark against one Redis: provisions, starts redis-server, runs `body` with a fresh
 * work dir (`<tmp>/<prefix>…`), then stops Redis and removes the dir (kept, and named, with
 * BENCH_KEEP=1); exits 0 once `body` has finished.
 */
export async function runBenchWithRedis(
  prefix: string,
  body: (workDir: string, redis: RedisServer) => Promise<void>,
): Promise<void> {
  provisionIntoEnv();
  const workDir = mkdtempSync(join(tmpdir(), prefix));
  const redis = await startRedisServer();
  try {
    await body(workDir, redis);
  } finally {
    await redis.stop();
    if (!process.env['BENCH_KEEP']) rmSync(workDir, { recursive: true, force: true });
    else console.log(`logs in ${workDir}`);
  }
  process.exit(0);
}

/**
 * One round: the paths of `order` back to back, reversed in even rounds (so no path always runs on the
 * fresher machine), Redis emptied after each; `onResult` sees each result as it comes.
 */
export async function runRound<P extends string, R>(
  round: number,
  order: readonly P[],
  paths: Record<P, () => Promise<R>>,
  redisUrl: string,
  onResult?: (path: P, result: R) => void,
): Promise<Partial<Record<P, R>>> {
  const results: Partial<Record<P, R>> = {};
  for (const path of round % 2 === 1 ? order : [...order].reverse()) {
    const result = await paths[path]();
    results[path] = result;
    await flushAll(redisUrl);
    onResult?.(path, result);
  }
  return results;
}
