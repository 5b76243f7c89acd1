// Benchmark (not a test): cluster failover and rebalancing with real processes and a real Consul.
// 4 event-worker processes (libs/cluster testing-fixtures/cluster-worker-child.ts: OUR registration
// + ClusterCoordinator, a recording runner), P = 32, check TTL 3 s, lock-delay 1 s. Each round
// SIGKILLs a non-leader worker, then the leader, and measures the time until every partition the
// victim ran is started by a survivor; a replacement joins after each kill and the rebalance moves
// are compared with minimumMoves (the fewest possible).
// Run: npm run bench -- cluster-failover   (BENCH_ROUNDS=R, default 5, max 10)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countMoves, minimumMoves, ownersOf, readAssignment } from '@spaceport/cluster';
import { createConsulClient, KvStore } from '@spaceport/consul-core';
import { benchEnvironment, consulVersion, writeBenchMarkdown } from './bench-markdown';
import { ROOT, viteNodeArgs } from './benchmarks';
import {
  type ChildView,
  childLeads,
  CLUSTER_WORKER_CHILD,
  ManagedProcess,
  provisionIntoEnv,
  readChildLines,
  restartedAfter,
  runningNow,
  settledOn,
  sleep,
  startConsulAgent,
  waitFor,
} from './testing-harness';

const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 5)), 10);
const P = 32;
const CLUSTER = 'bench';

interface Child extends ChildView {
  process: ManagedProcess;
}

const stats = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${sorted[Math.floor((sorted.length - 1) / 2)]} ms, max ${sorted.at(-1)} ms (n=${sorted.length}: ${values.join(', ')})`;
};

function failoverMarkdown(workerKills: number[], leaderKills: number[], rebalance: string[]): string {
  const row = (event: string, values: number[]): string => {
    const sorted = [...values].sort((a, b) => a - b);
    return `| ${event} | ${sorted[Math.floor((sorted.length - 1) / 2)]} ms | ${sorted.at(-1)} ms | ${values.join(', ')} |`;
  };
  const minimal = rebalance.filter((entry) => {
    const [moves, min] = entry.split('/');
    return moves === min;
  }).length;
  return [
    `Result (${benchEnvironment()}; ${consulVersion()} \`-dev\`; ${workerKills.length} round(s)):`,
    '',
    '| event | p50 | max | runs (ms) |',
    '|---|---|---|---|',
    row('SIGKILL worker → its partitions started elsewhere', workerKills),
    row('SIGKILL leader → its partitions started elsewhere', leaderKills),
    `| rebalance on join: moves / minimum | ${rebalance[0] ?? '-'} | | minimal in ${minimal} of ${rebalance.length} joins (${rebalance.join(', ')}) |`,
  ].join('\n');
}

async function main(): Promise<void> {
  provisionIntoEnv();
  const consul = await startConsulAgent();
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-bench-cluster-'));
  const kv = new KvStore(createConsulClient({ host: '127.0.0.1', port: consul.httpPort, secure: false }), {
    clusterId: CLUSTER,
  });
  const children: Child[] = [];
  let next = 1;
  const spawn = (): Child => {
    const nodeId = `b${next++}`;
    const logFile = join(dir, `${nodeId}.log`);
    const args = viteNodeArgs(CLUSTER_WORKER_CHILD, String(consul.httpPort), nodeId, String(P), CLUSTER);
    const proc = new ManagedProcess({ name: nodeId, command: process.execPath, args, cwd: ROOT, logFile });
    proc.start();
    const child: Child = {
      nodeId,
      process: proc,
      get running() {
        return proc.running;
      },
      lines: () => readChildLines(logFile),
    };
    children.push(child);
    return child;
  };
  const live = (): Child[] => children.filter((c) => c.running);
  const settle = (what: string): Promise<boolean> =>
    waitFor(() => settledOn(children, P), { what, timeoutMs: 60_000, intervalMs: 50 });
  const rebalance: string[] = [];
  const joinOne = async (): Promise<void> => {
    const before = ownersOf((await readAssignment(kv)).document);
    const joined = spawn();
    const runsSomething = (): boolean =>
      [...runningNow(children).values()].some((nodes) => nodes.includes(joined.nodeId));
    await waitFor(() => runsSomething() && settledOn(children, P), {
      what: `${joined.nodeId} joined`,
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    const after = ownersOf((await readAssignment(kv)).document);
    rebalance.push(
      `${countMoves(before, after, P)}/${minimumMoves(
        before,
        live().map((c) => c.nodeId),
        P,
      )}`,
    );
  };
  const killAndTime = async (victim: Child): Promise<number> => {
    const its = [...runningNow(children)].filter(([, nodes]) => nodes.includes(victim.nodeId)).map(([p]) => p);
    const killedAt = Date.now();
    await victim.process.kill();
    const ms = await waitFor(() => restartedAfter(live(), its, killedAt), {
      what: `${victim.nodeId}'s partitions elsewhere`,
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    await settle('settled after kill');
    return ms;
  };
  const workerKills: number[] = [];
  const leaderKills: number[] = [];
  try {
    for (let i = 0; i < 4; i += 1) spawn();
    await settle('4 workers settled');
    for (let round = 1; round <= ROUNDS; round += 1) {
      await sleep(1_000);
      workerKills.push(await killAndTime(live().find((c) => !childLeads(c))!));
      await joinOne();
      await sleep(1_000);
      const leader = await waitFor(() => live().find(childLeads), { what: 'a leader', timeoutMs: 15_000 });
      leaderKills.push(await killAndTime(leader));
      await joinOne();
      console.info(`round ${round}: worker kill ${workerKills.at(-1)} ms, leader kill ${leaderKills.at(-1)} ms`);
    }
    console.info(`\nCluster failover (P=${P}, 4 workers, check TTL 3 s, lock-delay 1 s, debounce 500 ms)`);
    console.info(`SIGKILL worker -> its partitions started elsewhere: ${stats(workerKills)}`);
    console.info(`SIGKILL leader -> its partitions started elsewhere: ${stats(leaderKills)}`);
    console.info(`rebalance on join, moves/minimum: ${rebalance.join(' ')}`);
    writeBenchMarkdown(failoverMarkdown(workerKills, leaderKills, rebalance));
  } finally {
    await Promise.all(children.map((c) => c.process.stop()));
    await consul.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
