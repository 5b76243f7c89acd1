import { sleep, useRedisServer } from '@spaceport/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryLedger } from './delivery-ledger';
import { claimOf, LedgerClients } from './testing-fixtures/ledger-clients';

const TTL_MS = 10_000;

describe('DeliveryLedger against a real redis-server', () => {
  const server = useRedisServer();
  let clients: LedgerClients;
  let workerA: DeliveryLedger;
  let workerB: DeliveryLedger;

  beforeEach(() => {
    clients = new LedgerClients(server.redis.url);
    workerA = clients.ledger();
    workerB = clients.ledger();
  });
  afterEach(() => clients.close());

  it('keeps the partition epoch monotonic', async () => {
    expect(await workerA.currentEpoch(1)).toBeNull();
    expect(await workerA.bumpEpoch(1, 3)).toEqual({ status: 'bumped', epoch: 3, previous: null });
    expect(await workerA.bumpEpoch(1, 3)).toEqual({ status: 'unchanged', epoch: 3 });
    expect(await workerB.bumpEpoch(1, 4)).toEqual({ status: 'bumped', epoch: 4, previous: 3 });
    expect(await workerA.bumpEpoch(1, 3)).toEqual({ status: 'stale', requested: 3, current: 4 });
    expect(await workerA.currentEpoch(1)).toBe(4);
    expect(await workerA.currentEpoch(2)).toBeNull();
  });

  it('completes a sent delivery without sending again (BullMQ stalled re-run)', async () => {
    await workerA.bumpEpoch(0, 1);
    const claim = claimOf(await workerA.claim('d1', 0, 1, 'A', TTL_MS));
    expect(workerA.maySend(claim)).toBe(true);
    expect(await workerA.recordSent('d1', 0, claim.token, 1, { workerId: 'A', statusCode: 204, attempt: 1 })).toEqual({
      status: 'recorded',
      claimState: 'held',
    });
    expect(await clients.raw.exists(workerA.keys.claim('d1', 0))).toBe(0);
    expect(await workerA.claim('d1', 0, 1, 'A', TTL_MS)).toEqual({ status: 'already-sent', sentBy: 'A', sentEpoch: 1 });
    expect(await workerB.claim('d1', 0, 1, 'B', TTL_MS)).toMatchObject({ status: 'already-sent' });
    expect(await workerB.isSent('d1', 0)).toBe(true);
    expect(await workerB.getSent('d1', 0)).toMatchObject({ workerId: 'A', epoch: 1, statusCode: 204, attempt: 1 });
    const retention = await clients.raw.pttl(workerA.keys.sent('d1', 0));
    expect(retention).toBeGreaterThan(workerA.sentRetentionMs - 60_000);
    expect(await workerA.recordSent('d1', 0, claim.token, 1, { workerId: 'A', statusCode: 204 })).toEqual({
      status: 'already-recorded',
      claimState: 'expired',
      recordedBy: 'A',
      sameClaim: true,
    });
  });

  it('keeps each sent record for the retention its recordSent names, else the default', async () => {
    await workerA.bumpEpoch(0, 1);
    const day = 86_400_000;
    const first = claimOf(await workerA.claim('r1', 0, 1, 'A', TTL_MS));
    await workerA.recordSent('r1', 0, first.token, 1, { workerId: 'A', statusCode: 200, retentionMs: day });
    const second = claimOf(await workerA.claim('r2', 0, 1, 'A', TTL_MS));
    await workerA.recordSent('r2', 0, second.token, 1, { workerId: 'A', statusCode: 200 });
    expect(await clients.raw.pttl(workerA.keys.sent('r1', 0))).toBeGreaterThan(day - 60_000);
    expect(await clients.raw.pttl(workerA.keys.sent('r2', 0))).toBeLessThanOrEqual(workerA.sentRetentionMs);
    expect(await clients.raw.pttl(workerA.keys.sent('r2', 0))).toBeGreaterThan(workerA.sentRetentionMs - 60_000);
    // refused before anything is written: the claim is still held
    const third = claimOf(await workerA.claim('r3', 0, 1, 'A', TTL_MS));
    await expect(
      workerA.recordSent('r3', 0, third.token, 1, { workerId: 'A', statusCode: 200, retentionMs: 1_000 }),
    ).rejects.toThrow(RangeError);
    expect(await workerA.isSent('r3', 0)).toBe(false);
  });

  it('blocks a second claim while one is in flight, and frees it on release', async () => {
    await workerA.bumpEpoch(0, 1);
    const claim = claimOf(await workerA.claim('d2', 0, 1, 'A', TTL_MS));
    const other = await workerB.claim('d2', 0, 1, 'B', TTL_MS);
    expect(other).toMatchObject({ status: 'in-flight-elsewhere', holder: { workerId: 'A', epoch: 1 } });
    if (other.status === 'in-flight-elsewhere') expect(other.holder.ttlMs).toBeGreaterThan(TTL_MS - 1_000);
    expect(await workerB.releaseClaim('d2', 0, 'not-the-token')).toBe('not-held');
    expect(await workerA.releaseClaim('d2', 0, claim.token)).toBe('released');
    expect(await workerA.releaseClaim('d2', 0, claim.token)).toBe('not-held');
    claimOf(await workerB.claim('d2', 0, 1, 'B', TTL_MS));
    expect(await workerA.isSent('d2', 0)).toBe(false);
  });

  it('answers a replayed claim (same token, lost reply) with claimed again', async () => {
    const replaying = clients.ledger({ newToken: () => 'fixed-token' });
    await replaying.bumpEpoch(0, 1);
    const first = claimOf(await replaying.claim('d3', 0, 1, 'A', TTL_MS));
    const again = claimOf(await replaying.claim('d3', 0, 1, 'A', TTL_MS));
    expect(again.token).toBe(first.token);
    expect(await workerB.claim('d3', 0, 1, 'B', TTL_MS)).toMatchObject({ status: 'in-flight-elsewhere' });
  });

  it('refuses a claim TTL that does not outlive the HTTP timeout, before touching Redis', async () => {
    await expect(workerA.claim('d4', 0, 1, 'A', 150)).rejects.toThrow(/must exceed httpTimeoutMs 100/);
    await expect(workerA.claim('d4', 0, 1, '', TTL_MS)).rejects.toThrow(/worker id/);
    expect(await clients.raw.exists(workerA.keys.claim('d4', 0))).toBe(0);
  });

  it('lets exactly one of two racing workers claim, 200 rounds', async () => {
    await workerA.bumpEpoch(0, 1);
    for (let round = 0; round < 200; round += 1) {
      const id = `race-${round}`;
      const results = await Promise.all([workerA.claim(id, 0, 1, 'A', TTL_MS), workerB.claim(id, 0, 1, 'B', TTL_MS)]);
      const statuses = results.map((result) => result.status).sort();
      expect(statuses, `round ${round}`).toEqual(['claimed', 'in-flight-elsewhere']);
    }
  });

  it('fences the old owner once the new owner bumps the epoch; a stale bump is refused', async () => {
    expect(await workerA.bumpEpoch(5, 3)).toMatchObject({ status: 'bumped' });
    const claim = claimOf(await workerA.claim('f1', 5, 3, 'A', TTL_MS));
    await workerA.recordSent('f1', 5, claim.token, 3, { workerId: 'A', statusCode: 200 });
    expect(await workerB.bumpEpoch(5, 4)).toEqual({ status: 'bumped', epoch: 4, previous: 3 });
    expect(await workerA.claim('f2', 5, 3, 'A', TTL_MS)).toEqual({ status: 'fenced', workerEpoch: 3, currentEpoch: 4 });
    expect(await workerA.bumpEpoch(5, 3)).toEqual({ status: 'stale', requested: 3, current: 4 });
    claimOf(await workerB.claim('f2', 5, 4, 'B', TTL_MS));
    expect(await workerA.claim('f3', 6, 3, 'A', TTL_MS)).toEqual({
      status: 'fenced',
      workerEpoch: 3,
      currentEpoch: null,
    });
  });

  it('lets another worker claim after the holder died and its claim expired', async () => {
    await workerA.bumpEpoch(0, 1);
    const dead = claimOf(await workerA.claim('t1', 0, 1, 'A', 1_000));
    expect(await workerB.claim('t1', 0, 1, 'B', 1_000)).toMatchObject({ status: 'in-flight-elsewhere' });
    await sleep(1_050);
    expect(workerA.maySend(dead)).toBe(false);
    const taken = claimOf(await workerB.claim('t1', 0, 1, 'B', 1_000));
    expect(await workerA.releaseClaim('t1', 0, dead.token)).toBe('not-held');
    expect(await workerB.recordSent('t1', 0, taken.token, 1, { workerId: 'B', statusCode: 200 })).toMatchObject({
      status: 'recorded',
    });
  });

  it('records a 2xx even after the claim expired or was taken, and only once', async () => {
    await workerA.bumpEpoch(0, 1);
    const slow = claimOf(await workerA.claim('r1', 0, 1, 'A', 200));
    await sleep(250);
    expect(await workerA.recordSent('r1', 0, slow.token, 1, { workerId: 'A', statusCode: 200 })).toEqual({
      status: 'recorded',
      claimState: 'expired',
    });
    const slower = claimOf(await workerA.claim('r2', 0, 1, 'A', 200));
    await sleep(250);
    const overtaking = claimOf(await workerB.claim('r2', 0, 1, 'B', 200));
    expect(await workerA.recordSent('r2', 0, slower.token, 1, { workerId: 'A', statusCode: 200 })).toEqual({
      status: 'recorded',
      claimState: 'taken',
    });
    expect(await workerB.recordSent('r2', 0, overtaking.token, 1, { workerId: 'B', statusCode: 200 })).toEqual({
      status: 'already-recorded',
      claimState: 'held',
      recordedBy: 'A',
      sameClaim: false,
    });
    expect(await clients.raw.exists(workerA.keys.claim('r2', 0))).toBe(0);
  });

  it('stops a paused zombie: it may not send on its old claim, and is fenced on new ones', async () => {
    await workerA.bumpEpoch(9, 3);
    const zombieClaim = claimOf(await workerA.claim('z1', 9, 3, 'A', 1_000));
    // A "pauses" here (no I/O from its connection). The partition moves to B, which bumps first.
    expect(await workerB.bumpEpoch(9, 4)).toMatchObject({ status: 'bumped' });
    expect(await workerB.claim('z1', 9, 4, 'B', 1_000)).toMatchObject({
      status: 'in-flight-elsewhere',
      holder: { workerId: 'A' },
    });
    await sleep(1_050);
    const fresh = claimOf(await workerB.claim('z1', 9, 4, 'B', 400));
    await workerB.recordSent('z1', 9, fresh.token, 4, { workerId: 'B', statusCode: 204 });
    // A wakes up: its send deadline has passed, a new claim is fenced, and z1 is done.
    expect(workerA.maySend(zombieClaim)).toBe(false);
    expect(await workerA.claim('z2', 9, 3, 'A', 400)).toMatchObject({ status: 'fenced', currentEpoch: 4 });
    expect(await workerA.claim('z1', 9, 3, 'A', 400)).toMatchObject({ status: 'already-sent', sentBy: 'B' });
    expect(await workerA.releaseClaim('z1', 9, zombieClaim.token)).toBe('not-held');
  });
});
