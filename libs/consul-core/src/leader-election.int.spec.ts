import { sleep, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConsulClient, createConsulClient } from './client';
import { LeaderElection, type LeaderElectionOptions } from './leader-election';
import { ServiceRegistration } from './registration';

const KEY = 'spaceport/le/leader';

/** Test timings: Consul's minimum session TTL (10 s), a short lock-delay and a 3 s check TTL. */
const TIMINGS = { sessionTtlMs: 10_000, lockDelayMs: 1_000, checkTtlMs: 3_000 };

interface Instance {
  nodeId: string;
  registration: ServiceRegistration;
  election: LeaderElection;
  /** `session:<id>`, `elected:<lockIndex>`, `lost:<reason>` in the order they happened */
  log: string[];
}

describe('LeaderElection against a real Consul agent (in-process electors)', { timeout: 20_000 }, () => {
  const consul = useConsulAgent();
  let client: ConsulClient;
  const running: Instance[] = [];

  beforeAll(() => {
    client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async (i) => (await i.election.stop(), await i.registration.stop())));
    await client.kv.del({ key: KEY });
  });
  afterAll(() => client.destroy());

  async function startInstance(nodeId: string, extra: Partial<LeaderElectionOptions> = {}): Promise<Instance> {
    const registration = new ServiceRegistration({
      client,
      nodeId,
      role: 'event-worker',
      clusterId: 'le',
      port: 0,
      ttlMs: TIMINGS.checkTtlMs,
    });
    await registration.start();
    const election = new LeaderElection({
      client,
      key: KEY,
      nodeId,
      serviceCheckId: registration.checkId,
      backoff: { initialMs: 100, maxMs: 1_000 },
      ...TIMINGS,
      ...extra,
    });
    const instance: Instance = { nodeId, registration, election, log: [] };
    election.on('session', (id) => instance.log.push(`session:${id}`));
    election.on('elected', (lockIndex) => instance.log.push(`elected:${lockIndex}`));
    election.on('lost', (reason) => instance.log.push(`lost:${reason}`));
    running.push(instance);
    election.start();
    return instance;
  }

  const leaders = (instances: Instance[]): Instance[] => instances.filter((i) => i.election.isLeader);

  async function lockEntry(): Promise<{ Session?: string; LockIndex: number; Value: string | null } | null> {
    return (await client.kv.get(KEY)) as { Session?: string; LockIndex: number; Value: string | null } | null;
  }

  it('elects exactly one of three; the key names its session; stopping it hands over at once', async () => {
    const instances = await Promise.all(['e1', 'e2', 'e3'].map((id) => startInstance(id)));
    const first = await waitFor(() => (leaders(instances).length === 1 ? leaders(instances)[0] : undefined), {
      what: 'one leader',
    });
    for (let sample = 0; sample < 10; sample += 1) {
      expect(leaders(instances)).toHaveLength(1);
      await sleep(100);
    }
    const entry = await lockEntry();
    expect(entry?.Session).toBe(first.election.sessionId);
    expect(entry?.LockIndex).toBe(first.election.lockIndex);
    expect(JSON.parse(entry?.Value ?? 'null')).toEqual({ nodeId: first.nodeId });
    const sessions = (await client.session.list()).map((s) => s.ID);
    expect(sessions).toHaveLength(3);

    const firstFence = first.election.lockIndex ?? 0;
    const stoppedAt = Date.now();
    await first.election.stop(); // releases the key explicitly: no lock-delay
    expect(first.log.at(-1)).toBe('lost:stopped');
    const others = instances.filter((i) => i !== first);
    const second = await waitFor(() => leaders(others)[0], { what: 'a new leader', timeoutMs: 3_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(TIMINGS.lockDelayMs); // a graceful hand-over does not wait for lock-delay
    expect(leaders(instances)).toEqual([second]);
    expect(second.election.lockIndex).toBeGreaterThan(firstFence);
    expect((await client.session.list()).map((s) => s.ID)).not.toContain(first.log[0]?.slice('session:'.length));
  });

  it('fires lost before anything else when its session is destroyed from outside, then re-elects after lock-delay', async () => {
    const solo = await startInstance('solo');
    const firstFence = await solo.election.waitUntilLeader();
    const destroyed = solo.election.sessionId ?? '';
    const atLost: Array<{ isLeader: boolean; sessionId: string | undefined; lockIndex: number | undefined }> = [];
    solo.election.on('lost', () =>
      atLost.push({
        isLeader: solo.election.isLeader,
        sessionId: solo.election.sessionId,
        lockIndex: solo.election.lockIndex,
      }),
    );

    const lost = solo.election.next('lost');
    const destroyedAt = Date.now();
    await client.session.destroy(destroyed);
    await lost;
    const secondFence = await solo.election.waitUntilLeader();
    expect(Date.now() - destroyedAt).toBeGreaterThanOrEqual(TIMINGS.lockDelayMs); // lock-delay honoured

    expect(atLost).toEqual([{ isLeader: false, sessionId: destroyed, lockIndex: undefined }]); // nothing new yet
    const lostAt = solo.log.findIndex((e) => e.startsWith('lost:'));
    expect(solo.log.slice(0, lostAt)).toEqual([`session:${destroyed}`, `elected:${firstFence}`]);
    expect(solo.log[lostAt]).toMatch(/^lost:(lock-released|session-invalidated)$/);
    expect(solo.log.slice(lostAt + 1)).toEqual([expect.stringMatching(/^session:/), `elected:${secondFence}`]);
    expect(secondFence).toBeGreaterThan(firstFence);
  });

  it('loses the lock when its service check goes critical (the session is tied to it)', async () => {
    const solo = await startInstance('checked');
    await solo.election.waitUntilLeader();
    const lost = solo.election.next('lost');
    await client.agent.check.fail(solo.registration.checkId ?? '');
    const [reason] = await lost;
    expect(reason).toMatch(/^(lock-released|session-invalidated)$/);
    expect(solo.election.isLeader).toBe(false);
    // The registration passes the check again within TTL/3; a new session can then be created.
    await solo.election.waitUntilLeader();
    expect(solo.log.filter((e) => e.startsWith('elected:'))).toHaveLength(2);
  });

  it('stop() leaves no session, no lock and no timers behind', async () => {
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const solo = await startInstance('tidy');
    await solo.election.waitUntilLeader();
    await solo.election.stop();
    await solo.registration.stop();
    running.splice(running.indexOf(solo), 1);
    expect(await client.session.list()).toEqual([]);
    expect((await lockEntry())?.Session).toBeUndefined();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(baseline);
  });
});

describe('LeaderElection when its agent freezes (SIGSTOP): renewals fail', { timeout: 40_000 }, () => {
  const consul = useConsulAgent();
  let client: ConsulClient;
  beforeAll(() => {
    client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
  });
  afterAll(() => client.destroy());

  it('steps down with lease-expired within the session TTL, then leads again once the agent resumes', async () => {
    const registration = new ServiceRegistration({
      client,
      nodeId: 'frozen',
      role: 'event-worker',
      clusterId: 'le',
      port: 0,
      ttlMs: TIMINGS.checkTtlMs,
    });
    await registration.start();
    const election = new LeaderElection({
      client,
      key: KEY,
      nodeId: 'frozen',
      serviceCheckId: registration.checkId,
      backoff: { initialMs: 100, maxMs: 1_000 },
      ...TIMINGS,
    });
    const lost: Array<{ reason: string; at: number }> = [];
    election.on('lost', (reason) => lost.push({ reason, at: Date.now() }));
    election.start();
    try {
      await election.waitUntilLeader();
      const frozenAt = Date.now();
      consul.agent.process.signal('SIGSTOP');
      // The last renewal was sent at most TTL/2 before the freeze; the local lease ends 0.9 x TTL
      // after it was sent. So the elector steps down within 0.9 x TTL of the freeze (+1 s slack).
      await waitFor(() => lost.length > 0, { what: 'lost', timeoutMs: TIMINGS.sessionTtlMs });
      expect(lost[0]?.reason).toBe('lease-expired');
      expect((lost[0]?.at ?? 0) - frozenAt).toBeLessThanOrEqual(0.9 * TIMINGS.sessionTtlMs + 1_000);
      expect(election.isLeader).toBe(false);
      consul.agent.process.signal('SIGCONT');
      await waitFor(() => election.isLeader, { what: 're-election after SIGCONT', timeoutMs: 15_000 });
    } finally {
      consul.agent.process.signal('SIGCONT'); // harmless when already resumed
      await election.stop();
      await registration.stop();
    }
  });
});
