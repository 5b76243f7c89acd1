// Benchmark (not a test): how Spaceport's load spreads over the masters of a Redis Cluster, and the
// ceiling that implies. The built apps in distributed mode (real Consul agent; config-service, gateway,
// two event-workers; P = 32 unless BENCH_PARTITIONS) run the same steady load twice in one process tree:
// on one redis-server (the baseline) and on a 3-master Redis Cluster (no replicas unless BENCH_REPLICAS).
// Per master: its share of Redis CPU (/proc utime + stime of its redis-server during the load), of keys
// (DBSIZE after the load) and of commands (INFO commandstats deltas). Ceiling: events/s per Redis core =
// delivered events ÷ Redis CPU seconds; the cluster's ceiling is set by its busiest master.
// Run: npm run bench -- redis-cluster-spread   (BENCH_RATE=r, default 1000/s; BENCH_SECONDS=s, default 20,
// max 60; BENCH_REPLICAS=n per master, 0 or 1, default 0; BENCH_CLUSTER_ID=c, the Cluster run's id, default
// `default`; BENCH_PARTITIONS=P, 1 to 1024, default 32: written through the config API before the workers
// start, so the first assignment already spans P)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_SLOTS, clusterHashTag, partitionHashTag, slotOf } from '@spaceport/redis-core';
import { Redis } from 'ioredis';
import { Agent } from 'undici';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { BENCH_ADMIN_TOKEN, BENCH_PROJECT_TOKEN, BENCH_READ_TOKEN } from './bench-process';
import { type Ingest, poster, receipts, type Send } from './eventing-load';
import {
  AppStack,
  call,
  isBalancedOver,
  provisionIntoEnv,
  readCluster,
  startConsulAgent,
  startRedisCluster,
  startRedisServer,
  WebhookReceiver,
  waitFor,
} from './testing-harness';
import { type CommandCounts, commandCounts, cpuMsOf } from './usage-counters';

const RATE = Math.min(Math.max(1, Number(process.env['BENCH_RATE'] ?? 1000)), 5000);
const SECONDS = Math.min(Math.max(1, Number(process.env['BENCH_SECONDS'] ?? 20)), 60);
const REPLICAS = Math.min(Math.max(0, Number(process.env['BENCH_REPLICAS'] ?? 0)), 1);
const MASTERS = 3;
const P = Math.min(Math.max(1, Number(process.env['BENCH_PARTITIONS'] ?? 32)), 1024);
/** the cluster run's id, which decides the slots of the partitions' hash tags; default: the apps' default */
const CLUSTER_ID = process.env['BENCH_CLUSTER_ID'] ?? 'default';
const WORKERS = ['worker-1', 'worker-2'];
/** requests outstanding at most; past it the pacer waits (a bound, not the offered rate) */
const MAX_IN_FLIGHT = 256;

/** One Redis data node's use during the load. */
interface NodeUse {
  readonly address: string;
  /** the partitions whose hash tag `{<c>:p<n>:<salt>}` this node serves (one Redis: all) */
  readonly partitions: number;
  /** serves the slot of the cluster-wide keys `{<c>}` (DLQ, idempotency keys, consumer records…) */
  readonly clusterWide: boolean;
  readonly cpuMs: number;
  readonly commands: number;
  readonly keys: number;
}

interface TopologyResult {
  readonly nodes: readonly NodeUse[];
  readonly offered: number;
  readonly delivered: number;
  readonly refused: number;
  readonly seconds: number;
}

/** A Redis data node to measure: its address and the PID of its redis-server. */
interface Measured {
  readonly address: string;
  readonly pid: number | undefined;
  readonly partitions: number;
  readonly clusterWide: boolean;
}

const sumOf = (counts: CommandCounts, before: CommandCounts): number =>
  [...counts].reduce((sum, [name, calls]) => sum + calls - (before.get(name) ?? 0), 0);

async function dbsize(address: string): Promise<number> {
  const client = new Redis(`redis://${address}`, { lazyConnect: true });
  try {
    await client.connect();
    return await client.dbsize();
  } finally {
    client.disconnect();
  }
}

/** Offers RATE events/s for SECONDS (at most MAX_IN_FLIGHT requests outstanding); counts non-202 answers. */
async function steadyLoad(send: Send): Promise<{ offered: number; refused: number }> {
  const total = RATE * SECONDS;
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  let refused = 0;
  for (let seq = 0; seq < total; seq += 1) {
    const wait = t0 + (seq * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (pending.size >= MAX_IN_FLIGHT) await Promise.race(pending);
    const sent: Promise<void> = send(seq, 1).then(
      () => undefined,
      () => {
        refused += 1;
      },
    );
    pending.add(sent);
    void sent.finally(() => pending.delete(sent));
  }
  await Promise.all(pending);
  return { offered: total, refused };
}

/** No partition key: each event's partition is hash(project, eventId) mod P, spread evenly. */
const ingestOf = (gatewayUrl: string): Ingest => ({
  url: `${gatewayUrl}/v1/api/shop/eventing/queue`,
  batchUrl: `${gatewayUrl}/v1/api/shop/eventing/queue/batch`,
  headers: { authorization: `Bearer ${BENCH_PROJECT_TOKEN}` },
  body: (seq) => ({ type: 'order.paid', payload: { seq, orderId: `o-${seq}`, amount: 42 } }),
  batchBody: (events) => ({ events }),
  accepted: 202,
});

/** The steady load through `send`, measured on the Redis nodes `measured` until the last receipt. */
async function measureLoad(send: Send, receiver: WebhookReceiver, measured: Measured[]): Promise<TopologyResult> {
  const cpuBefore = measured.map((node) => cpuMsOf(node.pid));
  const countsBefore = await Promise.all(measured.map((node) => commandCounts(`redis://${node.address}`)));
  receiver.clear();
  const t0 = performance.now();
  const { offered, refused } = await steadyLoad(send);
  await receipts(receiver, offered - refused);
  const seconds = (performance.now() - t0) / 1000;
  const cpuAfter = measured.map((node) => cpuMsOf(node.pid));
  const countsAfter = await Promise.all(measured.map((node) => commandCounts(`redis://${node.address}`)));
  const keys = await Promise.all(measured.map((node) => dbsize(node.address)));
  return {
    nodes: measured.map((node, i) => ({
      address: node.address,
      partitions: node.partitions,
      clusterWide: node.clusterWide,
      cpuMs: cpuAfter[i]! - cpuBefore[i]!,
      commands: sumOf(countsAfter[i]!, countsBefore[i]!),
      keys: keys[i]!,
    })),
    offered,
    delivered: new Set(receiver.received.map((got) => got.body)).size,
    refused,
    seconds,
  };
}

/**
 * The apps on one Redis topology (`redis`), the trigger to `receiver`, the assignment balanced over
 * both workers; then the steady load, measured on `nodes()` (resolved once the apps run).
 */
async function runOn(
  clusterId: string,
  redis: Pick<ConstructorParameters<typeof AppStack>[0], 'redisUrl' | 'redisCluster'>,
  consulAddr: string,
  receiver: WebhookReceiver,
  nodes: () => Promise<Measured[]>,
): Promise<TopologyResult> {
  const workDir = mkdtempSync(join(tmpdir(), `spaceport-bench-spread-${clusterId}-`));
  const stack = new AppStack({
    workDir,
    ...redis,
    consulAddr,
    register: true,
    clusterId,
    adminToken: BENCH_ADMIN_TOKEN,
    readToken: BENCH_READ_TOKEN,
    heartbeat: '1s',
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s', LOG_LEVEL: 'warn' },
  });
  const client = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  try {
    await stack.launch('config-service', 'config-service');
    const gateway = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('config loaded', (s) => s.config.state === 'in-sync', 20_000);
    await stack.createTrigger(gateway, `${receiver.url}/${clusterId}`);
    // P before any worker starts, so the first assignment already spans it and the measured balance is that
    // of a start (a count raised later is assigned too, in a round of its own: docs/cluster.md).
    const set = await call(gateway.url, 'POST', '/v1/config/projects/shop/eventing/config', BENCH_ADMIN_TOKEN, {
      partitionCount: P,
    });
    if (set.status !== 200) throw new Error(`partition count not set: ${set.status} ${JSON.stringify(set.body)}`);
    await Promise.all(WORKERS.map((name) => stack.launch('event-worker', name)));
    await stack.waitForMirrors('config loaded', (s) => s.config.state === 'in-sync', 20_000);
    await waitFor(
      async () => {
        const view = await readCluster(gateway.url, BENCH_ADMIN_TOKEN);
        return view !== undefined && isBalancedOver(view, WORKERS, P);
      },
      { what: `${P} partitions balanced over ${WORKERS.join(', ')}`, timeoutMs: 30_000, intervalMs: 100 },
    );
    const send = poster(ingestOf(gateway.url), client, 1);
    // warm-up: connections, JIT, every partition's consumer busy once
    receiver.clear();
    for (let seq = 0; seq < 500; seq += 1) await send(seq, 1);
    await receipts(receiver, 500);

    return await measureLoad(send, receiver, await nodes());
  } finally {
    await client.close();
    await stack.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Pure: how many of `partitions` partitions of cluster `clusterId` fall in each of `masters` equal slot ranges. */
function partitionsPerMaster(clusterId: string, partitions: number, masters = MASTERS): number[] {
  const counts = Array.from({ length: masters }, () => 0);
  for (let p = 0; p < partitions; p += 1) {
    const shard = Math.floor((slotOf(partitionHashTag(clusterId, p)) * masters) / CLUSTER_SLOTS);
    counts[shard] = (counts[shard] ?? 0) + 1;
  }
  return counts;
}

/** Pure: the share of 1000 cluster ids (`c0`…`c999`) whose partitions give every master 33 % ± 5 % of them. */
function idsWithinGoal(partitions: number): number {
  let within = 0;
  for (let i = 0; i < 1000; i += 1) {
    const counts = partitionsPerMaster(`c${i}`, partitions);
    if (counts.every((n) => Math.abs(n / partitions - 1 / MASTERS) <= 0.05)) within += 1;
  }
  return within / 1000;
}

const cpuSecondsOf = (r: TopologyResult): number => r.nodes.reduce((sum, n) => sum + n.cpuMs, 0) / 1000;
/** events/s one Redis core carries at this cost: delivered events ÷ Redis CPU seconds */
const perCore = (r: TopologyResult): number => r.delivered / cpuSecondsOf(r);
/** the busiest node saturates first: delivered events ÷ its CPU seconds */
const ceilingOf = (r: TopologyResult): number => r.delivered / (Math.max(...r.nodes.map((n) => n.cpuMs)) / 1000);
const commandsPerEvent = (r: TopologyResult): number => r.nodes.reduce((sum, n) => sum + n.commands, 0) / r.delivered;

function spreadMarkdown(one: TopologyResult, cluster: TopologyResult, loadAtStart: string): string {
  const total = (f: (n: NodeUse) => number): number => cluster.nodes.reduce((sum, n) => sum + f(n), 0);
  const shares = (n: NodeUse): { cpu: number; keys: number; commands: number } => ({
    cpu: n.cpuMs / total((x) => x.cpuMs),
    keys: n.keys / total((x) => x.keys),
    commands: n.commands / total((x) => x.commands),
  });
  const within = (share: number): string => (Math.abs(share - 1 / MASTERS) <= 0.05 ? 'yes' : '**no**');
  const pct = (share: number): string => `${(100 * share).toFixed(1)} %`;
  const row = (n: NodeUse, i: number): string => {
    const { cpu, keys, commands } = shares(n);
    const name = `master ${i + 1}: ${n.partitions} of ${P} partitions${n.clusterWide ? ', the cluster-wide slot' : ''}`;
    const perEvent = (n.commands / cluster.delivered).toFixed(1);
    return (
      `| ${name} | ${pct(cpu)} (${(n.cpuMs / 1000).toFixed(1)} s) | ${pct(keys)} (${n.keys}) | ` +
      `${pct(commands)} (${perEvent}/event) | ${within(cpu)} / ${within(keys)} / ${within(commands)} |`
    );
  };
  const load = (r: TopologyResult): string =>
    `${r.delivered} of ${r.offered} delivered in ${r.seconds.toFixed(1)} s (${r.refused} refused)`;
  return [
    `Result (${benchEnvironment()}; load average at start ${loadAtStart}; distributed mode, config-service, gateway and 2 event-workers, P = ${P}, cluster id \`${CLUSTER_ID}\`;` +
      ` ${RATE} events/s offered for ${SECONDS} s after 500 warm-up events, one per request, no partition key;` +
      ` Cluster: ${MASTERS} masters, ${REPLICAS} replica(s) each; the same load on one redis-server first, in the same run):`,
    '',
    `| Cluster node | share of Redis CPU | share of keys (DBSIZE) | share of commands | within 33 % ± 5 % (CPU / keys / commands) |`,
    '|---|---|---|---|---|',
    ...cluster.nodes.map(row),
    '',
    '| Redis | delivered | Redis CPU s | commands/event | events/s per Redis core | ceiling (busiest node saturated) |',
    '|---|---|---|---|---|---|',
    `| one redis-server | ${load(one)} | ${cpuSecondsOf(one).toFixed(1)} | ${commandsPerEvent(one).toFixed(1)} | ${perCore(one).toFixed(0)} | ${ceilingOf(one).toFixed(0)} events/s |`,
    `| Cluster, ${MASTERS} masters | ${load(cluster)} | ${cpuSecondsOf(cluster).toFixed(1)} | ${commandsPerEvent(cluster).toFixed(1)} | ${perCore(cluster).toFixed(0)} | ${ceilingOf(cluster).toFixed(0)} events/s |`,
    '',
    `The partitions' share, from their hash tags \`{<c>:p<n>:<salt>}\` (${MASTERS} equal slot ranges,` +
      ` computed): cluster id \`${CLUSTER_ID}\` (this run) ${partitionsPerMaster(CLUSTER_ID, P).join(' / ')} of ${P};` +
      ` cluster ids with every master within 33 % ± 5 % of the partitions, of 1000:` +
      ` ${[32, 64, 128, 256].map((n) => `P = ${n} ${(100 * idsWithinGoal(n)).toFixed(0)} %`).join(', ')}.`,
    '',
    `Cluster ÷ one Redis: per-core rate ${(perCore(cluster) / perCore(one)).toFixed(2)}×; ${MASTERS} masters × per-core rate = ${(MASTERS * perCore(cluster)).toFixed(0)} events/s` +
      ` (${((MASTERS * perCore(cluster)) / perCore(one)).toFixed(2)}× one Redis); ceiling set by the busiest master ${(ceilingOf(cluster) / ceilingOf(one)).toFixed(2)}× one Redis.`,
  ].join('\n');
}

function printResult(label: string, r: TopologyResult): void {
  console.info(
    `${label}: ${r.delivered}/${r.offered} delivered in ${r.seconds.toFixed(1)} s, ${r.refused} refused; Redis CPU ${cpuSecondsOf(r).toFixed(2)} s,` +
      ` ${commandsPerEvent(r).toFixed(1)} commands/event, ${perCore(r).toFixed(0)} events/s per Redis core, ceiling ${ceilingOf(r).toFixed(0)}`,
  );
  for (const n of r.nodes)
    console.info(
      `  ${n.address}: ${n.partitions} partitions, CPU ${n.cpuMs} ms, ${n.commands} commands, ${n.keys} keys`,
    );
}

async function main(): Promise<void> {
  provisionIntoEnv();
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(', ');
  const loadAtStart = load();
  const receiver = new WebhookReceiver(() => ({ status: 204 }));
  const [consul, redis, cluster] = await Promise.all([
    startConsulAgent(),
    startRedisServer(),
    startRedisCluster({ masters: MASTERS, replicasPerMaster: REPLICAS }),
    receiver.start(),
  ]);
  try {
    const one = await runOn('one-redis', { redisUrl: redis.url }, consul.httpAddr, receiver, async () => [
      { address: new URL(redis.url).host, pid: redis.process.pid, partitions: P, clusterWide: true },
    ]);
    printResult('one redis-server', one);
    const spread = await runOn(
      CLUSTER_ID,
      { redisCluster: { nodeAddresses: cluster.nodeAddresses } },
      consul.httpAddr,
      receiver,
      async () =>
        (await cluster.masters()).map((master) => {
          const served = (slot: number): boolean => master.slots.some(([from, to]) => slot >= from && slot <= to);
          const partitions = Array.from({ length: P }, (_, p) => slotOf(partitionHashTag(CLUSTER_ID, p)));
          return {
            address: master.address,
            pid: cluster.nodes.find((node) => node.address === master.address)?.process.pid,
            partitions: partitions.filter(served).length,
            clusterWide: served(slotOf(clusterHashTag(CLUSTER_ID))),
          };
        }),
    );
    printResult('Redis Cluster', spread);
    console.info(`load average at end: ${load()}`);
    const markdown = spreadMarkdown(one, spread, loadAtStart);
    console.info(`\n${markdown}`);
    writeBenchMarkdown(markdown);
  } finally {
    await receiver.close();
    await Promise.all([consul.stop(), redis.stop(), cluster.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
