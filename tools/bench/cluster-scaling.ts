// Benchmark (not a test): delivery throughput of the built event-workers with 1, 2 and 3 worker
// processes (distributed mode, real Consul agent and redis-server, P = 32). Each round starts a fresh
// cluster (config-service, gateway, k workers), pauses the 32 partition queues, pre-loads the same N
// events through the gateway's batch API, waits until the assignment is balanced over the k workers,
// resumes the queues and measures first → last arrival at a local receiver. Baseline: 1 worker.
// Run: npm run bench -- cluster-scaling   (BENCH_EVENTS=N, default 10000, max 20000)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { partitionQueueName, partitionQueuePrefix } from '@spaceport/eventing';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import {
  AppStack,
  call,
  isBalancedOver,
  type LaunchedApp,
  projectBody,
  provisionIntoEnv,
  readCluster,
  spaceCloudTrigger,
  startConsulAgent,
  startRedisServer,
  WebhookReceiver,
  waitFor,
} from './testing-harness';

const N = Math.min(Math.max(1, Number(process.env['BENCH_EVENTS'] ?? 10_000)), 20_000);
const P = 32;
const BATCH = 500;
const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';

async function preload(gateway: LaunchedApp, round: number): Promise<void> {
  for (let sent = 0; sent < N; sent += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, N - sent) }, (_, i) => ({
      type: 'order.paid',
      payload: { round, order: sent + i },
    }));
    const res = await call(gateway.url, 'POST', '/v1/api/shop/eventing/queue/batch', PROJECT_TOKEN, { events });
    if (res.status !== 202) throw new Error(`batch queue answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

interface RoundResult {
  workers: number;
  perSecond: number;
  ms: number;
}

async function round(
  workers: number,
  redisUrl: string,
  consulAddr: string,
  receiver: WebhookReceiver,
): Promise<RoundResult> {
  const clusterId = `scale${workers}`;
  const workDir = mkdtempSync(join(tmpdir(), `spaceport-bench-scale-${workers}-`));
  const stack = new AppStack({
    workDir,
    redisUrl,
    consulAddr,
    register: true,
    clusterId,
    adminToken: ADMIN,
    readToken: 'read-token-0123456789abcdef',
    heartbeat: '500ms',
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s', LOG_LEVEL: 'warn' },
  });
  const connection = { url: redisUrl };
  const queues = Array.from(
    { length: P },
    (_, p) =>
      new Queue(partitionQueueName(clusterId, p), { connection, prefix: partitionQueuePrefix('bull', clusterId, p) }),
  );
  try {
    await Promise.all(queues.map((q) => q.pause()));
    await stack.launch('config-service', 'config-service');
    const gateway = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('config loaded', (s) => s.config.state === 'in-sync', 20_000);
    await call(gateway.url, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'));
    await call(
      gateway.url,
      'POST',
      '/v1/config/projects/shop/eventing/triggers/paid',
      ADMIN,
      spaceCloudTrigger('paid', `${receiver.url}/hook`),
    );
    await stack.waitForMirrors(
      'trigger mirrored',
      (s) => s.config.projects['shop']?.triggers['paid'] !== undefined,
      15_000,
    );
    await preload(gateway, workers);
    const names = Array.from({ length: workers }, (_, i) => `w${i + 1}`);
    await Promise.all(names.map((name) => stack.launch('event-worker', name)));
    await stack.waitForMirrors(
      'workers hold the trigger',
      (s) => s.config.projects['shop']?.triggers['paid'] !== undefined,
      15_000,
    );
    await waitFor(
      async () => {
        const v = await readCluster(gateway.url, ADMIN);
        return v !== undefined && isBalancedOver(v, names);
      },
      { what: `balanced over ${workers}`, timeoutMs: 30_000, intervalMs: 100 },
    );
    const before = receiver.received.length;
    await Promise.all(queues.map((q) => q.resume()));
    await waitFor(() => receiver.received.length - before >= N, {
      what: `${N} deliveries`,
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    const window = receiver.received.slice(before, before + N);
    const ms = Math.round((window.at(-1)?.at ?? 0) - (window[0]?.at ?? 0));
    return { workers, ms, perSecond: Math.round(((N - 1) * 1000) / Math.max(ms, 1)) };
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    await stack.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  provisionIntoEnv();
  // answers 204 at once, as a quick webhook consumer would
  const receiver = new WebhookReceiver(() => ({ status: 204 }));
  const [consul, redis] = await Promise.all([startConsulAgent(), startRedisServer(), receiver.start()]);
  const results: RoundResult[] = [];
  try {
    for (const workers of [1, 2, 3]) {
      results.push(await round(workers, redis.url, consul.httpAddr, receiver));
      console.info(
        `${workers} worker(s): ${results.at(-1)?.perSecond} deliveries/s (${N} in ${results.at(-1)?.ms} ms)`,
      );
    }
  } finally {
    await receiver.close();
    await Promise.all([consul.stop(), redis.stop()]);
  }
  const baseline = results[0]?.perSecond ?? 1;
  console.info(`\n| workers | deliveries/s | ratio to 1 worker |\n|---|---|---|`);
  for (const r of results) console.info(`| ${r.workers} | ${r.perSecond} | ${(r.perSecond / baseline).toFixed(2)}× |`);
  console.info(
    `\n${N} events per round, P = ${P}, load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  writeBenchMarkdown(
    [
      `Result (${benchEnvironment()}; ${N} events per round, P = ${P}):`,
      '',
      '| workers | deliveries/s | ratio to 1 worker |',
      '|---|---|---|',
      ...results.map((r) => `| ${r.workers} | ${r.perSecond} | ${(r.perSecond / baseline).toFixed(2)}× |`),
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
