// Benchmark (not a test): how long a Redis master failover interrupts Spaceport, on Sentinel (a master, a
// replica, three sentinels) and on Redis Cluster (3 masters, one replica each). Each run starts a fresh
// topology and fresh built apps in distributed mode (config-service, gateway, two event-workers, one Consul
// agent for the whole benchmark), queues a steady stream (~60 events/s, the failover suites' stream),
// SIGKILLs the master (Cluster: master 0, the one serving slot 0) 5 s into it, and records from the kill:
// the topology naming a new master, ingest answering 202 again, the first delivery of an event accepted
// since, every partition that got events since delivering one, and the 503s, lost events (202 answered,
// then 404 in the event log: REDIS_WAIT_REPLICAS=0, asynchronous replication) and duplicate sends.
// Run: npm run bench -- redis-failover   (BENCH_ROUNDS=R runs per topology, default 5, max 10;
// BENCH_TOPOLOGIES=sentinel,cluster; BENCH_KEEP=1 keeps the apps' logs)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnvironment, consulVersion, writeBenchMarkdown } from './bench-markdown';
import { BENCH_ADMIN_TOKEN, BENCH_PROJECT_TOKEN, BENCH_READ_TOKEN } from './bench-process';
import {
  AppStack,
  type AcceptedEvent,
  deliveredTo,
  duplicatesAwayFromKill,
  failoverTimings,
  type LaunchedApp,
  partitionResumeMs,
  provisionIntoEnv,
  type RedisFailover,
  runEventStream,
  settleAccepted,
  sleep,
  type StackSettings,
  startConsulAgent,
  startRedisCluster,
  startRedisSentinel,
  waitFor,
  WebhookReceiver,
} from './testing-harness';

const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 5)), 10);
const TOPOLOGIES = ['sentinel', 'cluster'] as const;
type Topology = (typeof TOPOLOGIES)[number];
const SELECTED = (process.env['BENCH_TOPOLOGIES'] ?? TOPOLOGIES.join(',')).split(',').map((t) => t.trim());
const STREAM = { total: 900, perSecond: 60, maxInFlight: 16 };
const KILL_AFTER_MS = 5_000;

/** What one run measured, ms after the SIGKILL, and the counts. */
interface RunResult {
  failoverMs: number;
  acceptedAgainMs: number;
  /** the last non-202 answer (0 when there was none): ingest whole again, on every shard */
  lastRefusalMs: number;
  deliveredAgainMs: number;
  /** the slowest partition to deliver an event accepted after the kill */
  partitionsResumedMs: number;
  partitionsResumed: number;
  longestPauseMs: number;
  accepted: number;
  refused503: number;
  /** non-202 answers other than 503 with Retry-After (500s, request errors, 503 without Retry-After) */
  refusedOther: number;
  lost: number;
  /** accepted, neither delivered nor 404 by the end of the settling wait */
  unexplained: number;
  duplicates: number;
  /** duplicate sends whose first send was more than 2 s before or 1 s after the kill (the suites allow none) */
  duplicatesAwayFromKill: number;
}

/** A started topology as the run needs it: the apps' Redis settings, the kill, the wait, the stop. */
interface RunningTopology {
  stackRedis: Pick<StackSettings, 'redisSentinel' | 'redisCluster'>;
  killMaster(): Promise<unknown>;
  waitForFailover(): Promise<RedisFailover>;
  stop(): Promise<void>;
}

async function startTopology(topology: Topology): Promise<RunningTopology> {
  if (topology === 'sentinel') {
    const sentinel = await startRedisSentinel();
    return {
      stackRedis: {
        redisSentinel: { sentinelAddresses: sentinel.sentinelAddresses, masterName: sentinel.masterName },
      },
      killMaster: () => sentinel.killMaster(),
      waitForFailover: () => sentinel.waitForFailover({ timeoutMs: 30_000 }),
      stop: () => sentinel.stop(),
    };
  }
  const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
  return {
    stackRedis: { redisCluster: { nodeAddresses: cluster.nodeAddresses } },
    killMaster: () => cluster.killMaster(0),
    waitForFailover: () => cluster.waitForFailover({ timeoutMs: 30_000 }),
    stop: () => cluster.stop(),
  };
}

/** The apps up on the topology, project and trigger created, 20 events delivered. */
async function launchApps(stack: AppStack, receiver: WebhookReceiver): Promise<LaunchedApp> {
  const gateway = await stack.launchDeliveringSet(`${receiver.url}/hook`);
  const warm = await runEventStream({
    gatewayUrl: gateway.url,
    project: 'shop',
    token: BENCH_PROJECT_TOKEN,
    total: 20,
    perSecond: 100,
    maxInFlight: 4,
  });
  const delivered = (event: AcceptedEvent): boolean => deliveredTo(receiver)(event);
  await waitFor(() => warm.accepted.length === 20 && warm.accepted.every(delivered), {
    what: 'the first 20 events accepted and delivered',
    timeoutMs: 20_000,
  });
  return gateway;
}

/** One run: the stream, the kill 5 s into it, then what came back when. */
async function measureFailover(
  stack: AppStack,
  gateway: LaunchedApp,
  receiver: WebhookReceiver,
  topology: RunningTopology,
): Promise<RunResult> {
  const stream = runEventStream({ gatewayUrl: gateway.url, project: 'shop', token: BENCH_PROJECT_TOKEN, ...STREAM });
  await sleep(KILL_AFTER_MS);
  const killedAt = Date.now();
  await topology.killMaster();
  const failover = await topology.waitForFailover();
  const result = await stream;
  for (const app of stack.apps)
    await waitFor(async () => (await stack.readyzBody(app))?.httpStatus === 200, {
      what: `${app.name} ready`,
      timeoutMs: 30_000,
    });
  const outcome = await settleAccepted(result.accepted, receiver, gateway.url, BENCH_PROJECT_TOKEN);
  const timing = failoverTimings(result, killedAt, receiver);
  const resumed = partitionResumeMs(result.accepted, receiver, killedAt);
  if (outcome.unexplained.length > 0)
    console.warn(`accepted, neither delivered nor 404: ${outcome.unexplained.join('; ')}`);
  const refused503 = result.refusals.filter((r) => r.status === 503 && r.retryAfter !== null).length;
  return {
    failoverMs: failover.elapsedMs,
    acceptedAgainMs: Math.round(timing.acceptedAgainAt - killedAt),
    lastRefusalMs: Math.round(Math.max(0, ...result.refusals.map((r) => r.at - killedAt))),
    deliveredAgainMs: Math.round(timing.deliveredAgainAt - killedAt),
    partitionsResumedMs: Math.max(...resumed.values()),
    partitionsResumed: resumed.size,
    longestPauseMs: timing.longestPauseMs,
    accepted: result.accepted.length,
    refused503,
    refusedOther: result.refusals.length - refused503,
    lost: outcome.lost.length,
    unexplained: result.accepted.filter((e) => !deliveredTo(receiver)(e)).length - outcome.lost.length,
    duplicates: receiver.duplicateSends(),
    duplicatesAwayFromKill: duplicatesAwayFromKill(receiver, killedAt).length,
  };
}

async function runOnce(topologyName: Topology, round: number, dir: string, consulAddr: string): Promise<RunResult> {
  const topology = await startTopology(topologyName);
  const receiver = await new WebhookReceiver(() => ({ status: 204, delayMs: 10 })).start();
  const stack = new AppStack({
    workDir: dir,
    ...topology.stackRedis,
    consulAddr,
    register: true,
    clusterId: `failover-${topologyName}-${round}`,
    adminToken: BENCH_ADMIN_TOKEN,
    readToken: BENCH_READ_TOKEN,
    heartbeat: '200ms',
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
  });
  try {
    const gateway = await launchApps(stack, receiver);
    return await measureFailover(stack, gateway, receiver, topology);
  } finally {
    await stack.stopAll();
    await receiver.close();
    await topology.stop();
  }
}

const sortedOf = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
const p50 = (values: readonly number[]): number => sortedOf(values)[Math.floor((values.length - 1) / 2)] ?? NaN;
const max = (values: readonly number[]): number => sortedOf(values).at(-1) ?? NaN;
const ms = (n: number): string => (Number.isFinite(n) ? `${n} ms` : 'never');

function topologyRows(topology: Topology, runs: readonly RunResult[]): string[] {
  const label = topology === 'sentinel' ? 'Sentinel' : 'Cluster';
  const row = (what: string, pick: (r: RunResult) => number): string => {
    const values = runs.map(pick);
    return `| ${label} | ${what} | ${ms(p50(values))} | ${ms(max(values))} | ${values.join(', ')} |`;
  };
  const count = (what: string, pick: (r: RunResult) => number): string => {
    const values = runs.map(pick);
    return `| ${label} | ${what} | ${p50(values)} | ${max(values)} | ${values.join(', ')} |`;
  };
  return [
    row('SIGKILL → topology names a new master', (r) => r.failoverMs),
    row('SIGKILL → ingest answers 202 again (first 202 after the first 503)', (r) => r.acceptedAgainMs),
    row('SIGKILL → the last non-202 (0: none)', (r) => r.lastRefusalMs),
    row('SIGKILL → first delivery of an event accepted since', (r) => r.deliveredAgainMs),
    row('SIGKILL → every partition delivering again (slowest)', (r) => r.partitionsResumedMs),
    row('longest pause between deliveries', (r) => r.longestPauseMs),
    count('partitions that got events after the kill', (r) => r.partitionsResumed),
    count('503 with Retry-After', (r) => r.refused503),
    count('other non-202 (500, no Retry-After, request error)', (r) => r.refusedOther),
    count('accepted (of 900)', (r) => r.accepted),
    count('accepted, then lost (404 in the event log)', (r) => r.lost),
    count('accepted, neither delivered nor 404', (r) => r.unexplained),
    count('duplicate sends', (r) => r.duplicates),
    count('duplicate sends first sent away from the kill (-2 s … +1 s)', (r) => r.duplicatesAwayFromKill),
  ];
}

function resultsMarkdown(results: ReadonlyMap<Topology, RunResult[]>): string {
  const runs = [...results.values()][0]?.length ?? 0;
  return [
    `Result (${benchEnvironment()}; ${consulVersion()} \`-dev\`; ${runs} run(s) per topology, each a fresh topology` +
      ` and fresh built apps: config-service, gateway, 2 event-workers, distributed mode; ${STREAM.total} events at` +
      ` ${STREAM.perSecond}/s, at most ${STREAM.maxInFlight} in flight, the master SIGKILLed ${KILL_AFTER_MS / 1000} s in;` +
      ' Sentinel: a master, 1 replica, 3 sentinels, down-after 1 s; Cluster: 3 masters + 1 replica each, master 0 killed,' +
      ' cluster-node-timeout 1 s; REDIS_WAIT_REPLICAS=0):',
    '',
    '| topology | measured | p50 | max | runs |',
    '|---|---|---|---|---|',
    ...[...results].flatMap(([topology, list]) => topologyRows(topology, list)),
  ].join('\n');
}

async function main(): Promise<void> {
  const unknown = SELECTED.filter((t) => !(TOPOLOGIES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new Error(`BENCH_TOPOLOGIES: unknown ${unknown.join(', ')}; known: sentinel, cluster`);
  provisionIntoEnv();
  const consul = await startConsulAgent();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-bench-redis-failover-'));
  const results = new Map<Topology, RunResult[]>();
  try {
    for (const topology of TOPOLOGIES.filter((t) => SELECTED.includes(t))) {
      const list: RunResult[] = [];
      results.set(topology, list);
      for (let round = 1; round <= ROUNDS; round += 1) {
        const dir = join(workDir, `${topology}-${round}`);
        mkdirSync(dir);
        const run = await runOnce(topology, round, dir, consul.httpAddr);
        list.push(run);
        console.info(
          `${topology} run ${round}: new master after ${run.failoverMs} ms, 202 again after ${ms(run.acceptedAgainMs)}, last non-202 after ${run.lastRefusalMs} ms, ` +
            `delivering again after ${ms(run.deliveredAgainMs)}, ${run.partitionsResumed} partitions all again after ` +
            `${ms(run.partitionsResumedMs)}; ${run.refused503} × 503, ${run.refusedOther} other non-202, ` +
            `${run.lost} lost, ${run.unexplained} unexplained, ${run.duplicates} duplicates`,
        );
      }
    }
    const markdown = resultsMarkdown(results);
    console.info(`\n${markdown}`);
    writeBenchMarkdown(markdown);
  } finally {
    await consul.stop();
    if (!process.env['BENCH_KEEP']) rmSync(workDir, { recursive: true, force: true });
    else console.info(`logs in ${workDir}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
