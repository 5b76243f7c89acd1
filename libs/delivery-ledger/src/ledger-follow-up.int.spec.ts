import { useRedisServer } from '@spaceport/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryLedger, defineLedgerFollowUp, type FollowUpCall, type LedgerFollowUp } from './delivery-ledger';
import { claimOf, LedgerClients } from './testing-fixtures/ledger-clients';

const TTL_MS = 10_000;

/** Appends what it sees: its key count, its argument count, then its arguments. */
const ECHO_LUA = `redis.call('rpush', KEYS[1], #KEYS, #ARGV, unpack(ARGV))
return 'ignored'`;

// A caller's script run inside recordSent / releaseClaim (one command): it sees only its own keys and
// arguments, the ledger's reply is unchanged, and it runs whatever the ledger answered.
describe('ledger follow-ups against a real redis-server', () => {
  const server = useRedisServer();
  let clients: LedgerClients;
  let ledger: DeliveryLedger;
  let echo: LedgerFollowUp;
  let echoKey: string;
  const echoCall = (...args: string[]): FollowUpCall => ({ script: echo, keys: [echoKey], args });

  beforeEach(async () => {
    clients = new LedgerClients(server.redis.url);
    ledger = clients.ledger();
    echo = defineLedgerFollowUp(clients.raw, 'spTestEcho', ECHO_LUA);
    echoKey = `${clients.keyPrefix(0)}echo`;
    await ledger.bumpEpoch(0, 1);
  });
  afterEach(() => clients.close());

  it('runs after recordSent with only its own keys and arguments, and leaves the reply as it was', async () => {
    const claim = claimOf(await ledger.claim('f1', 0, 1, 'A', TTL_MS));
    expect(
      await ledger.recordSent(
        'f1',
        0,
        claim.token,
        1,
        { workerId: 'A', statusCode: 204, attempt: 1 },
        echoCall('x', 'y'),
      ),
    ).toEqual({
      status: 'recorded',
      claimState: 'held',
    });
    expect(await clients.raw.lrange(echoKey, 0, -1)).toEqual(['1', '2', 'x', 'y']);
    expect(await ledger.getSent('f1', 0)).toMatchObject({ workerId: 'A', statusCode: 204, attempt: 1 });
    expect(await clients.raw.exists(ledger.keys.claim('f1', 0))).toBe(0);
    // an already recorded send runs the follow-up too (the attempt happened)
    expect(
      await ledger.recordSent('f1', 0, claim.token, 1, { workerId: 'A', statusCode: 204 }, echoCall('again')),
    ).toMatchObject({
      status: 'already-recorded',
      sameClaim: true,
    });
    expect(await clients.raw.lrange(echoKey, 0, -1)).toEqual(['1', '2', 'x', 'y', '1', '1', 'again']);
  });

  it('runs after releaseClaim whether or not the claim was still held', async () => {
    const claim = claimOf(await ledger.claim('f2', 0, 1, 'A', TTL_MS));
    expect(await ledger.releaseClaim('f2', 0, claim.token, echoCall('released'))).toBe('released');
    expect(await ledger.releaseClaim('f2', 0, claim.token, echoCall('not-held'))).toBe('not-held');
    expect(await clients.raw.lrange(echoKey, 0, -1)).toEqual(['1', '1', 'released', '1', '1', 'not-held']);
    expect(claimOf(await ledger.claim('f2', 0, 1, 'B', TTL_MS)).workerId).toBe('B');
  });

  it('fails the command when the follow-up fails, with the ledger write kept (scripts do not roll back)', async () => {
    const claim = claimOf(await ledger.claim('f3', 0, 1, 'A', TTL_MS));
    await clients.raw.set(echoKey, 'not a list');
    await expect(
      ledger.recordSent('f3', 0, claim.token, 1, { workerId: 'A', statusCode: 200 }, echoCall('z')),
    ).rejects.toThrow(/WRONGTYPE/);
    expect(await ledger.isSent('f3', 0)).toBe(true);
  });

  it('reloads the combined script after Redis lost its script cache (a restart, SCRIPT FLUSH)', async () => {
    const claim = claimOf(await ledger.claim('f5', 0, 1, 'A', TTL_MS));
    await clients.raw.script('FLUSH');
    expect(
      await ledger.recordSent('f5', 0, claim.token, 1, { workerId: 'A', statusCode: 202 }, echoCall('after-flush')),
    ).toEqual({
      status: 'recorded',
      claimState: 'held',
    });
    expect(await clients.raw.lrange(echoKey, 0, -1)).toEqual(['1', '1', 'after-flush']);
  });

  it('refuses a follow-up that was defined on another client, before sending anything', async () => {
    const other = clients.ledger();
    const claim = claimOf(await other.claim('f4', 0, 1, 'B', TTL_MS));
    await expect(other.releaseClaim('f4', 0, claim.token, echoCall('never'))).rejects.toThrow(
      /not defined on this client/,
    );
    expect(await clients.raw.exists(echoKey)).toBe(0);
    expect(await other.releaseClaim('f4', 0, claim.token)).toBe('released');
  });
});
