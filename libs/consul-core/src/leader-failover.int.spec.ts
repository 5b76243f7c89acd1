import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedProcess, sleep, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// SIGKILL failover across OS processes. Each child (testing-fixtures/elector-child.ts, run by
// vite-node) registers itself with a TTL check and runs OUR LeaderElection with the session tied to
// serfHealth + that check.
//
// Why the bound holds: a SIGKILLed leader stops passing its check (TTL 3 s, passed every 1 s), so
// the check turns critical at most 3 s after the kill; Consul then invalidates the session at once
// and releases the key; lock-delay (1 s) refuses acquisitions for 1 s after that; the followers,
// woken by their blocking read of the key, retry every lock-delay/4 (250 ms). So failover <=
// 3 s + 1 s + 0.25 s + request latency; we assert 6 s (1.75 s slack for a loaded 2-core box).
// Lower bound: nobody may acquire within lock-delay of the invalidation, which comes after the kill.
// Without the service check the bound would be the session TTL path: Consul invalidates an
// unrenewed session between TTL and 2 x TTL (10-20 s), plus lock-delay.
const CHECK_TTL_MS = 3_000;
const LOCK_DELAY_MS = 1_000;
const SESSION_TTL_MS = 10_000;
const FAILOVER_BOUND_MS = CHECK_TTL_MS + LOCK_DELAY_MS + LOCK_DELAY_MS / 4 + 1_750;

const ROOT = resolve(__dirname, '../../..');
const VITE_NODE = join(ROOT, 'node_modules/vite-node/vite-node.mjs');
const CHILD = join(__dirname, 'testing-fixtures/elector-child.ts');

interface ChildEvent {
  event: 'started' | 'elected' | 'lost' | 'error' | 'stopped' | 'fatal';
  at: number;
  nodeId: string;
  lockIndex?: number;
  reason?: string;
}

interface Child {
  nodeId: string;
  process: ManagedProcess;
  events(): ChildEvent[];
}

function readEvents(logFile: string): ChildEvent[] {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as ChildEvent];
      } catch {
        return [];
      }
    });
}

/** A child leads when its last elected/lost event is `elected`. */
function leads(child: Child): boolean {
  const transitions = child
    .events()
    .filter((e) => e.event === 'elected' || e.event === 'lost' || e.event === 'stopped');
  return child.process.running && transitions.at(-1)?.event === 'elected';
}

describe('leader failover after SIGKILL (separate OS processes)', { timeout: 60_000 }, () => {
  const consul = useConsulAgent();
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-electors-'));
  const children: Child[] = [];

  function spawnChild(nodeId: string): Child {
    const logFile = join(dir, `${nodeId}.log`);
    const env = {
      ...process.env,
      CHILD_CHECK_TTL_MS: String(CHECK_TTL_MS),
      CHILD_LOCK_DELAY_MS: String(LOCK_DELAY_MS),
      CHILD_SESSION_TTL_MS: String(SESSION_TTL_MS),
    };
    const proc = new ManagedProcess({
      name: `elector:${nodeId}`,
      command: process.execPath,
      // the workspace config resolves the @spaceport/* aliases (consul-core imports @spaceport/runtime-core)
      args: [VITE_NODE, '-c', join(ROOT, 'vitest.config.ts'), CHILD, String(consul.agent.httpPort), nodeId],
      env,
      cwd: ROOT,
      logFile,
    });
    proc.start();
    const child = { nodeId, process: proc, events: () => readEvents(logFile) };
    children.push(child);
    return child;
  }

  beforeAll(() => {
    ['k1', 'k2', 'k3'].forEach(spawnChild);
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`another process leads within ${FAILOVER_BOUND_MS} ms of the leader's SIGKILL`, async () => {
    await waitFor(() => children.every((c) => c.events().some((e) => e.event === 'started')), {
      what: 'three electors started',
      timeoutMs: 30_000,
    });
    const leader = await waitFor(() => (children.filter(leads).length === 1 ? children.find(leads) : undefined), {
      what: 'one leader',
      timeoutMs: 10_000,
    });
    const oldFence =
      leader
        .events()
        .filter((e) => e.event === 'elected')
        .at(-1)?.lockIndex ?? 0;
    await sleep(1_500); // steady state: every child renewing and passing its check

    const killedAt = Date.now();
    await leader.process.kill(); // SIGKILL: no release, no deregistration
    const survivors = children.filter((c) => c !== leader);
    const elected = await waitFor(
      () => survivors.flatMap((c) => c.events()).find((e) => e.event === 'elected' && e.at > killedAt),
      { what: 'a survivor to be elected', timeoutMs: 2 * SESSION_TTL_MS + LOCK_DELAY_MS + 5_000, intervalMs: 25 },
    );
    const failoverMs = elected.at - killedAt;
    console.info(
      `[failover] SIGKILL -> ${elected.nodeId} elected after ${failoverMs} ms (bound ${FAILOVER_BOUND_MS} ms)`,
    );

    expect(failoverMs).toBeGreaterThanOrEqual(LOCK_DELAY_MS);
    expect(failoverMs).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
    expect(elected.lockIndex ?? 0).toBeGreaterThan(oldFence);
    for (let sample = 0; sample < 5; sample += 1) {
      expect(survivors.filter(leads).map((c) => c.nodeId)).toEqual([elected.nodeId]);
      await sleep(200);
    }
  });
});
