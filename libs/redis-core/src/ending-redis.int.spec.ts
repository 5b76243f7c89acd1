// EndingRedis against a real redis-server: a client whose connection Redis dropped (CLIENT KILL, as a
// demoted master drops its blocked clients) waits out its reconnect delay in 'reconnecting'; a disconnect()
// then must end it ('end' emitted, the blocked BZPOPMIN rejected), which plain ioredis 5 never does — the
// cause of BullMQ's Worker.close() never finishing after a Redis failover.
import { killRedisClientsNamed, useRedisServer, waitFor } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from './create-redis';
import { EndingRedis } from './ending-redis';
import { parseRedisConnection } from './redis-connection';

const server = useRedisServer();
const clients: Redis[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

const track = <T extends Redis>(client: T): T => {
  clients.push(client);
  client.on('error', () => undefined);
  return client;
};

const admin = (): Redis => track(new Redis(server.redis.port, server.redis.host, { lazyConnect: true }));

/** What a disconnect() at 'reconnecting' led to within `withinMs`: 'end' (and how the blocked command settled), or the status it was left in. */
async function disconnectWhileReconnecting(
  client: Redis,
  name: string,
  withinMs = 1_000,
): Promise<{ outcome: string; blocked: string; tookMs: number }> {
  await client.connect();
  let blocked = 'pending';
  void client.bzpopmin(`ending:${name}`, 0).then(
    () => (blocked = 'resolved'),
    (error: Error) => (blocked = error.message),
  );
  const adminClient = admin();
  const blockedOnServer = async (): Promise<boolean> =>
    String(await adminClient.call('CLIENT', 'LIST'))
      .split('\n')
      .some((line) => line.includes(` name=${name} `) && line.includes(' cmd=bzpopmin '));
  await waitFor(blockedOnServer, {
    what: `${name} blocked in BZPOPMIN`,
    timeoutMs: 5_000,
  });
  const reconnecting = once(client, 'reconnecting');
  expect(await killRedisClientsNamed(adminClient, name)).toBe(1);
  await reconnecting;
  const started = performance.now();
  const ended = once(client, 'end').then(() => 'end');
  client.disconnect();
  const outcome = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r(client.status), withinMs))]);
  await new Promise((r) => setImmediate(r));
  return { outcome, blocked, tookMs: performance.now() - started };
}

describe('EndingRedis', () => {
  it('ends a client told to disconnect while it waits out a reconnect delay, and rejects its blocked command', async () => {
    const connection = parseRedisConnection({ REDIS_URL: server.redis.url });
    const client = track(createRedis(connection, { kind: 'worker' }, { connectionName: 'ending-worker' }) as Redis);
    expect(client).toBeInstanceOf(EndingRedis);
    const result = await disconnectWhileReconnecting(client, 'ending-worker');
    expect(result).toMatchObject({ outcome: 'end', blocked: 'Connection is closed.' });
    expect(result.tookMs).toBeLessThan(100);
    expect(client.status).toBe('end');
    // no reconnect after it ended (the retry timer is gone): still 'end' past the 100 ms reconnect delay
    await new Promise((r) => setTimeout(r, 300));
    expect(client.status).toBe('end');
  });

  it("does the same for its duplicates (BullMQ's blocking connections)", async () => {
    const connection = parseRedisConnection({ REDIS_URL: server.redis.url });
    const base = track(createRedis(connection, { kind: 'worker' }, { connectionName: 'ending-base' }) as Redis);
    const duplicate = track(base.duplicate({ connectionName: 'ending-duplicate' }));
    expect(duplicate).toBeInstanceOf(EndingRedis);
    expect(await disconnectWhileReconnecting(duplicate, 'ending-duplicate')).toMatchObject({
      outcome: 'end',
      blocked: 'Connection is closed.',
    });
  });

  it('a connected client still ends as ioredis ends it, once', async () => {
    const client = track(new EndingRedis({ port: server.redis.port, host: server.redis.host, lazyConnect: true }));
    await client.connect();
    let ends = 0;
    client.on('end', () => (ends += 1));
    client.disconnect();
    await once(client, 'end');
    await new Promise((r) => setTimeout(r, 50));
    expect(ends).toBe(1);
  });

  // Why EndingRedis exists. When this fails, ioredis ends such a client itself and EndingRedis can go.
  it('plain ioredis leaves such a client in reconnecting, with no end and its command pending', async () => {
    const client = track(
      new Redis({
        port: server.redis.port,
        host: server.redis.host,
        lazyConnect: true,
        connectionName: 'plain-ioredis',
      }),
    );
    expect(await disconnectWhileReconnecting(client, 'plain-ioredis', 500)).toMatchObject({
      outcome: 'reconnecting',
      blocked: 'pending',
    });
  });
});
