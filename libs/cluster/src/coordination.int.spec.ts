import { type ConsulClient, createConsulClient, KvStore, ServiceRegistration } from '@spaceport/consul-core';
import { sleep, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { countMoves, minimumMoves } from './assignment';
import { type AssignmentDocument, ownersOf } from './assignment-document';
import { type ClusterEvent } from './cluster-events';
import { ClusterCoordinator } from './cluster-coordinator';
import { readAssignment } from './cluster-kv';
import { ClusterStatusReader } from './cluster-status-reader';
import { shapeClusterStatus } from './cluster-status';
import { CLUSTER_KEYS, resolveClusterSettings } from './settings';
import { exclusivityViolations, RecordingRunner, RunnerLog } from './testing-fixtures/recording-runner';

// Several workers in this process, each with its own Consul client, ServiceRegistration (TTL
// check), LeaderElection and follower, against a real `consul agent -dev`. The runners record
// every call into one log, so the exactly-one-runner-at-a-time invariant is checked over the run.
const P = 12;
/** raised live in one test: the config's P as the leader reads it each round */
const RAISED_P = 18;
const CLUSTER = 'it';
const settings = resolveClusterSettings({ checkTtlMs: 3_000, lockDelayMs: 1_000 });

interface Worker {
  id: string;
  client: ConsulClient;
  registration: ServiceRegistration;
  coordinator: ClusterCoordinator;
  runner: RecordingRunner;
}

describe('cluster coordination (real Consul, in-process workers)', { timeout: 60_000 }, () => {
  const consul = useConsulAgent();
  const log = new RunnerLog();
  const events: ClusterEvent[] = [];
  const workers = new Map<string, Worker>();
  let admin: ConsulClient;
  let kv: KvStore;
  let configuredP = P;

  async function startWorker(id: string): Promise<Worker> {
    const client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
    const registration = new ServiceRegistration({
      client,
      nodeId: id,
      role: 'event-worker',
      clusterId: CLUSTER,
      port: 1,
      ttlMs: settings.checkTtlMs,
    });
    await registration.start();
    const runner = new RecordingRunner(id, log);
    const coordinator = new ClusterCoordinator({
      client,
      nodeId: id,
      clusterId: CLUSTER,
      partitionCount: P,
      partitionsToAssign: () => Promise.resolve(configuredP),
      settings,
      runner,
      serviceCheckId: registration.checkId,
      onEvent: (e) => events.push(e),
    }).start();
    const worker = { id, client, registration, coordinator, runner };
    workers.set(id, worker);
    return worker;
  }

  async function stopWorker(worker: Worker): Promise<void> {
    workers.delete(worker.id);
    await worker.coordinator.stop();
    await worker.registration.stop();
    worker.client.destroy();
  }

  /** The stored assignment once every partition runs on exactly its owner, owners = `ids`. */
  async function settled(ids: string[], what: string): Promise<AssignmentDocument> {
    return waitFor(
      async () => {
        const { document } = await readAssignment(kv);
        if (
          !document ||
          new Set(document.owners).size !== ids.length ||
          !document.owners.every((o) => o !== null && ids.includes(o))
        )
          return undefined;
        const consistent = document.owners.every((owner, p) =>
          [...workers.values()].every((w) => w.runner.running.has(p) === (w.id === owner)),
        );
        return consistent ? document : undefined;
      },
      { what, timeoutMs: 20_000, intervalMs: 25 },
    );
  }

  const leaderWorker = (): Worker | undefined => [...workers.values()].find((w) => w.coordinator.leader.isLeader);

  afterAll(async () => {
    await Promise.all([...workers.values()].map(stopWorker));
    admin?.destroy();
  });

  it('three workers: balanced, every partition owned and run by exactly one', async () => {
    admin = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
    kv = new KvStore(admin, { clusterId: CLUSTER });
    await Promise.all(['w1', 'w2', 'w3'].map(startWorker));
    const doc = await settled(['w1', 'w2', 'w3'], '3 workers settled');
    const counts = ['w1', 'w2', 'w3'].map((id) => doc.owners.filter((o) => o === id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(doc.epochs.every((e) => e >= 1 && e <= doc.generation)).toBe(true);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });

  it('a fourth joins: moves == minimumMoves, never two runners of one partition', async () => {
    const before = (await readAssignment(kv)).document!;
    await startWorker('w4');
    const after = await settled(['w1', 'w2', 'w3', 'w4'], '4 workers settled');
    const moves = countMoves(ownersOf(before), ownersOf(after), P);
    expect(moves).toBe(minimumMoves(ownersOf(before), ['w1', 'w2', 'w3', 'w4'], P));
    expect(after.generation).toBeGreaterThan(before.generation);
    const moved = after.owners.flatMap((o, p) => (o !== before.owners[p] ? [p] : []));
    expect(moved.every((p) => after.epochs[p] === after.generation)).toBe(true);
    expect(after.owners.every((_owner, p) => moved.includes(p) || after.epochs[p] === before.epochs[p])).toBe(true);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });

  it('P raised under running workers: assigned at once (no periodic check), nothing existing moves', async () => {
    const before = (await readAssignment(kv)).document!;
    const ids = [...workers.keys()];
    configuredP = RAISED_P;
    const t0 = performance.now();
    for (const worker of workers.values()) worker.coordinator.leader.partitionCountChanged();
    const after = await waitFor(
      async () => {
        const doc = await settled(ids, `${RAISED_P} partitions settled`);
        return doc.partitionCount === RAISED_P ? doc : undefined;
      },
      { what: `the assignment at ${RAISED_P} partitions`, timeoutMs: 20_000, intervalMs: 25 },
    );
    const elapsedMs = performance.now() - t0;
    console.info(`[cluster] P ${P} → ${RAISED_P}: assigned and running after ${elapsedMs.toFixed(0)} ms`);
    // well inside the leader's 5 s periodic check: the change itself started the round
    expect(elapsedMs).toBeLessThan(1_000);
    expect(after.owners.slice(0, P)).toEqual(before.owners);
    expect(after.epochs.slice(0, P)).toEqual(before.epochs);
    expect(after.epochs.slice(P).every((epoch) => epoch === after.generation)).toBe(true);
    const counts = ids.map((id) => after.owners.filter((owner) => owner === id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });

  it('a worker stopped gracefully hands its partitions over in < 1 s', async () => {
    const leaving = [...workers.values()].find((w) => !w.coordinator.leader.isLeader)!;
    const itsPartitions = [...leaving.runner.running.keys()];
    const stoppedAt = Date.now();
    await stopWorker(leaving);
    const remaining = [...workers.keys()];
    await settled(remaining, 'partitions of the stopped worker running elsewhere');
    const startedAt = itsPartitions.map(
      (p) =>
        log.records.find((r) => r.kind === 'start' && r.partition === p && r.at >= stoppedAt && r.node !== leaving.id)!
          .at,
    );
    const handoffMs = Math.max(...startedAt) - stoppedAt;
    console.info(
      `[cluster] graceful stop of ${leaving.id}: ${itsPartitions.length} partitions started elsewhere after ${handoffMs} ms`,
    );
    expect(handoffMs).toBeLessThan(1_000);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });

  it('leader stopped: another leader continues from the stored generation with a larger fence', async () => {
    const leader = await waitFor(leaderWorker, { what: 'a leader' });
    const before = (await readAssignment(kv)).document!;
    await stopWorker(leader);
    const after = await settled([...workers.keys()], 'settled under the new leader');
    expect(after.leaderId).not.toBe(leader.id);
    expect(after.generation).toBeGreaterThan(before.generation);
    expect(after.leaderLockIndex).toBeGreaterThan(before.leaderLockIndex);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });

  it('GET /v1/cluster shape: members, leader, generation, owners (read from Consul)', async () => {
    const status = shapeClusterStatus({
      clusterId: CLUSTER,
      ...(await new ClusterStatusReader({ client: admin, clusterId: CLUSTER }).read()),
    });
    const { document } = await readAssignment(kv);
    expect(status.members.map((m) => m.id).sort()).toEqual([...workers.keys()].sort());
    expect(status.members.every((m) => m.role === 'event-worker' && m.health === 'passing')).toBe(true);
    expect(status.leader?.nodeId).toBe(leaderWorker()?.id);
    expect(status.leader?.lockIndex).toBe(document?.leaderLockIndex);
    expect(status.generation).toBe(document?.generation);
    expect(status.partitions.map((p) => p.owner)).toEqual(document?.owners);
  });

  it('the fenced write is refused for a deposed leader (its session destroyed)', async () => {
    const leader = await waitFor(leaderWorker, { what: 'a leader' });
    const sessionId = leader.coordinator.leader.election.sessionId!;
    const stored = await readAssignment(kv);
    await admin.session.destroy({ id: sessionId });
    const forged = { ...stored.document!, generation: stored.document!.generation + 100 };
    const result = await kv.fencedWrite({
      lockKey: CLUSTER_KEYS.leader,
      session: sessionId,
      key: CLUSTER_KEYS.assignment,
      value: forged,
      cas: stored.modifyIndex,
    });
    expect(result).toMatchObject({ ok: false, reason: 'not-lock-holder' });
    await waitFor(() => events.some((e) => e.type === 'lost' && e.nodeId === leader.id), {
      what: 'the deposed leader to notice',
    });
    // a new term (possibly the same node with a new session) takes over; the forged generation never lands
    await waitFor(leaderWorker, { what: 'a new leader', timeoutMs: 15_000 });
    await sleep(300);
    expect((await readAssignment(kv)).document!.generation).toBeLessThan(forged.generation);
    expect(exclusivityViolations(log.records)).toEqual([]);
  });
});
