import { createHash } from 'node:crypto';
import { sleep, useRedisServer, waitFor } from '@spaceport/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryLedger } from './delivery-ledger';
import { COMMANDS } from './scripts';
import { LedgerClients } from './testing-fixtures/ledger-clients';

const DELIVERIES = 25;
const meta = { workerId: 'A', statusCode: 204 } as const;
const claimSha = createHash('sha1').update(COMMANDS.claim.lua).digest('hex');

/** Records d-0..d-24 as sent at epoch 2 on partition 3, and leaves a live claim on `held`. */
async function fill(ledger: DeliveryLedger): Promise<void> {
  expect(await ledger.bumpEpoch(3, 2)).toMatchObject({ status: 'bumped' });
  for (let index = 0; index < DELIVERIES; index += 1) {
    const result = await ledger.claim(`d-${index}`, 3, 2, 'A', 60_000);
    if (result.status !== 'claimed') throw new Error(`d-${index}: ${result.status}`);
    expect(await ledger.recordSent(`d-${index}`, 3, result.claim.token, 2, meta)).toMatchObject({ status: 'recorded' });
  }
  expect(await ledger.claim('held', 3, 2, 'A', 60_000)).toMatchObject({ status: 'claimed' });
}

/** Everything `fill` wrote is back, and the (reloaded, script-cache-less) server still runs the scripts. */
async function expectSurvived(ledger: DeliveryLedger, other: DeliveryLedger): Promise<void> {
  await waitFor(async () => (await ledger.currentEpoch(3)) === 2, {
    what: 'the ledger to answer after the restart',
    timeoutMs: 10_000,
  });
  for (let index = 0; index < DELIVERIES; index += 1) {
    expect(await other.claim(`d-${index}`, 3, 2, 'B', 60_000), `d-${index}`).toMatchObject({
      status: 'already-sent',
      sentBy: 'A',
    });
  }
  expect(await other.claim('held', 3, 2, 'B', 60_000)).toMatchObject({
    status: 'in-flight-elsewhere',
    holder: { workerId: 'A' },
  });
  expect(await other.bumpEpoch(3, 1)).toEqual({ status: 'stale', requested: 1, current: 2 });
}

describe('ledger durability across redis-server restarts (AOF)', () => {
  const server = useRedisServer();
  let clients: LedgerClients;

  beforeEach(() => {
    clients = new LedgerClients(server.redis.url);
  });
  afterEach(() => clients.close());

  it('keeps sent records, epochs and claims (with their TTLs) over a graceful restart', async () => {
    const [ledger, other] = [clients.ledger(), clients.ledger()];
    await fill(ledger);
    expect(await clients.raw.call('SCRIPT', 'EXISTS', claimSha)).toEqual([1]);
    await server.redis.restart();
    // The restarted server has no scripts cached: ioredis falls back from EVALSHA to EVAL on NOSCRIPT.
    expect(await clients.raw.call('SCRIPT', 'EXISTS', claimSha)).toEqual([0]);
    await expectSurvived(ledger, other);
    const sentTtl = await clients.raw.pttl(ledger.keys.sent('d-0', 3));
    expect(sentTtl).toBeGreaterThan(ledger.sentRetentionMs - 120_000);
    const claimTtl = await clients.raw.pttl(ledger.keys.claim('held', 3));
    expect(claimTtl).toBeGreaterThan(0);
    expect(claimTtl).toBeLessThanOrEqual(60_000);
  });

  it('keeps them over a SIGKILL of redis-server once the everysec fsync has run', async () => {
    const [ledger, other] = [clients.ledger(), clients.ledger()];
    await fill(ledger);
    await sleep(1_500); // appendfsync everysec: acknowledged writes are on disk within ~1 s
    await server.redis.process.kill();
    await server.redis.start();
    await expectSurvived(ledger, other);
  });
});
