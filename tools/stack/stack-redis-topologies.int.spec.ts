// `npm start -- --redis sentinel|cluster` as a user runs it (issue 20): a real npm process, real
// redis-server processes (data nodes, sentinels), Consul and the built apps, free ports, a temp data dir.
// Sentinel: the demo runs to the end; SIGKILL of the master → the sentinels promote the replica, the
// stack keeps running, ingest answers 202 again and delivers; the old master is restarted and rejoins as
// a replica; SIGTERM to npm stops every process. Cluster: the stack forms the cluster (3 masters,
// 3 replicas), the apps run on it, the demo runs to the end, SIGTERM stops every process.
// Only PIDs this suite started are signalled.
import { waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EVENT_TYPE, DEMO_PROJECT_ID, DEMO_PROJECT_TOKEN } from '../demo/demo-defaults.mjs';
import { namedMaster, syncedMasterOf } from '../../libs/testing/src/redis-topology.mjs';
import { REDIS_RESTART_POLICY } from './redis-stack.mjs';
import { processAlive } from './stack-state.mjs';
import { descendants, killLeftovers, StackRun, STOP_BOUND_MS } from './testing-fixtures/stack-run';

afterAll(killLeftovers);

const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));

/** POSTs one demo event; the HTTP status, or 0 when the gateway did not answer. */
async function queueOne(gatewayUrl: string): Promise<number> {
  try {
    const res = await fetch(`${gatewayUrl}/v1/api/${DEMO_PROJECT_ID}/eventing/queue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_PROJECT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: DEMO_EVENT_TYPE, payload: { probe: 'failover' } }),
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

describe('npm start -- --redis sentinel: demo, master failover, stop', () => {
  let run: StackRun;
  let gatewayUrl = '';
  let sentinelPorts: number[] = [];
  const masterName = (): string => run.state().workerEnv['REDIS_SENTINEL_NAME'] ?? '';
  beforeAll(async () => {
    run = new StackRun('npm', ['start', '--ignore-scripts', '--', '--redis', 'sentinel', '--workers', '2']);
    gatewayUrl = await run.up();
    sentinelPorts = (run.state().workerEnv['REDIS_SENTINELS'] ?? '').split(',').map(portOf);
  }, 150_000);
  afterAll(() => run?.remove());

  it('runs every app through the sentinels and the demo to the end', () => {
    const state = run.state();
    expect(state.redisTopology).toBe('sentinel');
    expect(state.workerEnv['REDIS_URL']).toBeUndefined();
    expect(sentinelPorts).toHaveLength(3);
    expect(run.log()).toMatch(
      /stack: redis sentinel: master spaceport at 127\.0\.0\.1:\d+ \(replica 127\.0\.0\.1:\d+\)/,
    );
    expect(run.demo(6)).toContain('6/6 event(s) processed');
  }, 90_000);

  it('SIGKILL of the master: the replica is promoted, ingest answers 202 again and delivers, the old master rejoins', async () => {
    const oldMaster = await namedMaster(sentinelPorts[0] ?? 0, masterName());
    const pid = run.redisPidOn(portOf(oldMaster));
    expect(pid, run.log()).toBeDefined();
    const killedAt = Date.now();
    process.kill(pid ?? -1, 'SIGKILL');
    const statuses = new Set<number>();
    const newMaster = await waitFor(
      async () => {
        const named = new Set(await Promise.all(sentinelPorts.map((port) => namedMaster(port, masterName()))));
        const [master] = [...named];
        return named.size === 1 && master !== oldMaster ? master : undefined;
      },
      { what: `the sentinels to fail over from ${oldMaster}`, timeoutMs: 30_000, intervalMs: 200 },
    );
    const failoverMs = Date.now() - killedAt;
    await waitFor(
      async () => {
        const status = await queueOne(gatewayUrl);
        statuses.add(status);
        return status === 202;
      },
      { what: `ingest answering 202 after the failover (seen: ${[...statuses].join(', ')})`, timeoutMs: 60_000 },
    );
    const ingestMs = Date.now() - killedAt;
    console.log(`sentinel failover: promoted after ${failoverMs} ms, ingest 202 again after ${ingestMs} ms`);
    // while Redis fails over, ingest refuses with 503 (never a 500, never a 202 it did not store)
    expect([...statuses].filter((s) => s !== 202 && s !== 503 && s !== 0)).toEqual([]);
    expect(run.demo(4)).toContain('4/4 event(s) processed');
    expect(run.child.exitCode).toBeNull();
    expect(run.log()).toMatch(
      new RegExp(
        `stack: redis-\\d exited unexpectedly \\(signal SIGKILL\\) after [\\d.]+ s; ` +
          `restarting it in ${REDIS_RESTART_POLICY.initialDelayMs / 1000} s \\(crash 1 in a row\\)`,
      ),
    );
    // restarted after 10 s as a master; the sentinels make it a replica of the new one (after 8 s more)
    await waitFor(async () => (await syncedMasterOf(portOf(oldMaster))) === newMaster, {
      what: `${oldMaster} restarted as a replica of ${newMaster}`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  }, 180_000);

  it('SIGTERM to the npm process stops every process, Redis and sentinels included, within 15 s', async () => {
    const npmPid = run.child.pid ?? -1;
    const pids = descendants(npmPid);
    // node stack.mjs, 2 data nodes, 3 sentinels, consul, config-service, gateway, 2 workers, demo receiver
    expect(
      pids.filter((p) => /(^|\/)redis-server 127\.0\.0\.1:\d+/.test(p.command)),
      JSON.stringify(pids),
    ).toHaveLength(5);
    const since = Date.now();
    process.kill(npmPid, 'SIGTERM');
    const { code, ms } = await run.exited(since);
    expect(code, run.log()).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(pids.filter((p) => processAlive(p.pid))).toEqual([]);
  }, 60_000);
});

describe('npm start -- --redis cluster', () => {
  let run: StackRun;
  afterAll(() => run?.remove());
  const formed =
    /stack: redis cluster formed: 3 masters, 3 replicas, cluster_state:ok; nodes (127\.0\.0\.1:\d+,){5}127\.0\.0\.1:\d+/;

  it('forms the cluster (3 masters, 3 replicas), runs the demo to the end and stops every process on SIGTERM', async () => {
    run = new StackRun(process.execPath, ['tools/stack/stack.mjs', '--redis', 'cluster', '--workers', '2']);
    await run.up();
    expect(run.log()).toMatch(formed);
    expect(run.state().workerEnv['REDIS_CLUSTER_NODES']?.split(',')).toHaveLength(6);
    expect(run.demo(6)).toContain('6/6 event(s) processed');
    const pids = descendants(run.child.pid ?? -1);
    const since = Date.now();
    process.kill(run.child.pid ?? -1, 'SIGTERM');
    const { code } = await run.exited(since);
    expect(code, run.log()).toBe(0);
    expect(pids.filter((p) => processAlive(p.pid))).toEqual([]);
  }, 150_000);
});
