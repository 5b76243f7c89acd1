import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedProcess, sleep, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildView,
  childLeads as leads,
  readChildLines,
  restartedAfter,
  runningNow,
  settledOn,
} from './testing-fixtures/child-log';
import { exclusivityViolations, type RunnerRecord } from './testing-fixtures/recording-runner';

// SIGKILL across OS processes: each child (testing-fixtures/cluster-worker-child.ts, via vite-node)
// registers with a 3 s TTL check and runs OUR ClusterCoordinator with a recording runner.
//
// Bounds. Worker killed: its check turns critical ≤ 3 s after the kill; the leader's blocking
// health watch sees it at once, waits the 500 ms debounce, writes; the new owners see the previous
// owner out of the healthy set and start: ≤ 3 s + 0.5 s + latency; we assert 5.5 s.
// Leader killed: check critical ≤ 3 s, session invalidated, lock-delay 1 s, followers retry every
// 250 ms, the new leader reconciles on its first membership read (no debounce): ≤ 3 + 1 + 0.25 s +
// latency; we assert 6.5 s (slack for a loaded 2-core box).
const CHECK_TTL_MS = 3_000;
const LOCK_DELAY_MS = 1_000;
const P = 12;
const WORKER_BOUND_MS = 5_500;
const LEADER_BOUND_MS = 6_500;

const ROOT = resolve(__dirname, '../../..');
const VITE_NODE = join(ROOT, 'node_modules/vite-node/vite-node.mjs');
const CHILD = join(__dirname, 'testing-fixtures/cluster-worker-child.ts');

interface Child extends ChildView {
  process: ManagedProcess;
}

describe('cluster failover after SIGKILL (separate OS processes)', { timeout: 90_000 }, () => {
  const consul = useConsulAgent();
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-cluster-'));
  const children: Child[] = [];

  function spawnChild(nodeId: string): Child {
    const logFile = join(dir, `${nodeId}.log`);
    const env = {
      ...process.env,
      CHILD_CHECK_TTL_MS: String(CHECK_TTL_MS),
      CHILD_LOCK_DELAY_MS: String(LOCK_DELAY_MS),
    };
    const proc = new ManagedProcess({
      name: `worker:${nodeId}`,
      command: process.execPath,
      args: [VITE_NODE, '-c', join(ROOT, 'vitest.config.ts'), CHILD, String(consul.agent.httpPort), nodeId, String(P)],
      env,
      cwd: ROOT,
      logFile,
    });
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
  }

  /** Kills `victim` and returns ms until every partition it ran is started by a survivor. */
  async function killAndMeasure(victim: Child, boundMs: number): Promise<number> {
    const its = [...runningNow(children)].filter(([, nodes]) => nodes.includes(victim.nodeId)).map(([p]) => p);
    expect(its.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    await victim.process.kill();
    const survivors = children.filter((c) => c.process.running);
    return waitFor(() => restartedAfter(survivors, its, killedAt), {
      what: `partitions of ${victim.nodeId} started elsewhere`,
      timeoutMs: boundMs + 15_000,
      intervalMs: 25,
    });
  }

  function allRecords(): RunnerRecord[] {
    let seq = 0;
    return children
      .flatMap((c) =>
        c
          .lines()
          .filter((l) => l.partition !== undefined)
          .map((l) => ({ ...l, node: c.nodeId })),
      )
      .sort((a, b) => a.at - b.at)
      .map((l) => ({
        seq: seq++,
        at: l.at,
        node: l.node,
        partition: l.partition!,
        kind: l.event as RunnerRecord['kind'],
        epoch: l.epoch,
      }));
  }

  beforeAll(() => {
    ['k1', 'k2', 'k3', 'k4'].forEach(spawnChild);
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`a killed worker's partitions start elsewhere within ${WORKER_BOUND_MS} ms`, async () => {
    await waitFor(() => settledOn(children, P), { what: '4 workers settled', timeoutMs: 40_000, intervalMs: 100 });
    await sleep(1_000);
    const victim = children.find((c) => !leads(c))!;
    const ms = await killAndMeasure(victim, WORKER_BOUND_MS);
    console.info(`[cluster] SIGKILL worker ${victim.nodeId}: partitions started elsewhere after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(WORKER_BOUND_MS);
    await waitFor(() => settledOn(children, P), { what: 'settled after worker kill', timeoutMs: 10_000 });
  });

  it(`the killed leader's partitions start elsewhere within ${LEADER_BOUND_MS} ms`, async () => {
    const leader = await waitFor(() => children.find(leads), { what: 'a leader', timeoutMs: 10_000 });
    await sleep(1_000);
    const ms = await killAndMeasure(leader, LEADER_BOUND_MS);
    console.info(`[cluster] SIGKILL leader ${leader.nodeId}: partitions started elsewhere after ${ms} ms`);
    expect(ms).toBeGreaterThanOrEqual(LOCK_DELAY_MS);
    expect(ms).toBeLessThanOrEqual(LEADER_BOUND_MS);
    await waitFor(() => settledOn(children, P), { what: 'settled after leader kill', timeoutMs: 10_000 });
    const killed = new Set(children.filter((c) => !c.process.running).map((c) => c.nodeId));
    expect(exclusivityViolations(allRecords(), killed)).toEqual([]);
  });
});
