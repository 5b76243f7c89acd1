import { type ConsulClient, createConsulClient, KvStore, ServiceRegistration } from '@spaceport/consul-core';
import { useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterCoordinator } from './cluster-coordinator';
import { readAssignment } from './cluster-kv';
import { resolveClusterSettings } from './settings';
import { exclusivityViolations, RecordingRunner, RunnerLog } from './testing-fixtures/recording-runner';

// A worker that can no longer prove it is a healthy member (Consul unreachable beyond its
// ownership lease) stops every partition, and resumes cleanly once Consul is back.
const P = 6;
const CLUSTER = 'outage';
const LEASE_MS = 3_000;
const settings = resolveClusterSettings({ checkTtlMs: 3_000, lockDelayMs: 1_000, ownershipLeaseMs: LEASE_MS });

describe('Consul outage (persistent agent stopped and restarted)', { timeout: 90_000 }, () => {
  const consul = useConsulAgent({ persistent: true });
  const log = new RunnerLog();
  const nodes: Array<{
    client: ConsulClient;
    registration: ServiceRegistration;
    coordinator: ClusterCoordinator;
    runner: RecordingRunner;
  }> = [];

  afterAll(async () => {
    for (const node of nodes) {
      await node.coordinator.stop();
      await node.registration.stop();
      node.client.destroy();
    }
  });

  it('stops all partitions within the lease after Consul goes away, resumes when it returns', async () => {
    for (const id of ['o1', 'o2']) {
      const client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
      const registration = new ServiceRegistration({
        client,
        nodeId: id,
        role: 'event-worker',
        clusterId: CLUSTER,
        port: 1,
        ttlMs: settings.checkTtlMs,
        backoff: { initialMs: 100, maxMs: 500 },
      });
      await registration.start();
      const runner = new RecordingRunner(id, log);
      const coordinator = new ClusterCoordinator({
        client,
        nodeId: id,
        clusterId: CLUSTER,
        partitionCount: P,
        settings,
        runner,
        serviceCheckId: registration.checkId,
      }).start();
      nodes.push({ client, registration, coordinator, runner });
    }
    const kv = new KvStore(nodes[0]!.client, { clusterId: CLUSTER });
    const allRunning = (): boolean => nodes.reduce((sum, n) => sum + n.runner.running.size, 0) === P;
    await waitFor(allRunning, { what: 'all partitions running', timeoutMs: 20_000 });
    const generation = (await readAssignment(kv)).document!.generation;

    const downAt = Date.now();
    await consul.agent.process.stop(); // keeps the data dir (agent.stop() removes it)
    await waitFor(() => nodes.every((n) => n.runner.running.size === 0), {
      what: 'every partition stopped',
      timeoutMs: LEASE_MS + 5_000,
    });
    const stoppedAfterMs = Date.now() - downAt;
    console.info(`[cluster] Consul down: all partitions stopped after ${stoppedAfterMs} ms (lease ${LEASE_MS} ms)`);
    expect(stoppedAfterMs).toBeLessThanOrEqual(LEASE_MS + settings.ownershipProbeMs + 1_000);

    await consul.agent.start();
    await waitFor(allRunning, { what: 'all partitions running again', timeoutMs: 40_000, intervalMs: 100 });
    expect((await readAssignment(kv)).document!.generation).toBeGreaterThanOrEqual(generation);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });
});
