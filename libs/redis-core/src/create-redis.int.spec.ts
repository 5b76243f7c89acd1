// createRedis through Sentinel against real processes (a master, a replica, three sentinels): a command
// client and a BullMQ-style worker client reach the master the sentinels name, follow a failover to the
// promoted replica by themselves, and the command client's writes are coalesced on the new socket too;
// passwords and ACL users reach the data nodes and the sentinels, each the ones meant for it.
import { useRedisSentinel, waitFor } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { asSingleNode, createRedis } from './create-redis';
import { parseRedisConnection } from './redis-connection';

const topology = useRedisSentinel();
const DATA_PASSWORD = 'data-password-0123';
const SENTINEL_PASSWORD = 'sentinel-password-4567';
const clients: Redis[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

/** Counts the socket-level writes of the client's current connection. */
function countWrites(client: Redis): { count: number } {
  const counter = { count: 0 };
  const socket = client.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...args) => {
    counter.count += 1;
    write(...args);
  };
  socket._writev = (...args) => {
    counter.count += 1;
    writev(...args);
  };
  return counter;
}

/** 20 commands in one event-loop iteration; resolves their replies. */
function burst(client: Redis, tag: string): Promise<unknown[]> {
  return Promise.all(Array.from({ length: 20 }, (_, i) => client.set(`${tag}:${i}`, String(i))));
}

/** Connects `client`: 'ready', or the message of its first error (ioredis keeps retrying after it). */
function firstOutcome(client: Redis): Promise<string> {
  return new Promise((resolve) => {
    client.once('error', (error: Error) => resolve(error.message));
    client.once('ready', () => resolve('ready'));
    void client.connect().catch(() => undefined);
  });
}

const remoteAddress = (client: Redis): string => `${client.stream.remoteAddress}:${client.stream.remotePort}`;

describe('createRedis through Sentinel', () => {
  it('reaches the master, follows a failover by itself and coalesces writes on the new socket', async () => {
    const { sentinel } = topology;
    const connection = parseRedisConnection({
      REDIS_SENTINELS: sentinel.sentinelAddresses,
      REDIS_SENTINEL_NAME: sentinel.masterName,
    });
    const command = asSingleNode(
      createRedis(connection, { kind: 'command', commandTimeoutMs: 500 }, { connectionName: 'cmd' }),
    );
    const worker = asSingleNode(createRedis(connection, { kind: 'worker' }, { connectionName: 'worker' }));
    clients.push(command, worker);
    await Promise.all([command.connect(), worker.connect()]);
    const master = await sentinel.masterAddress();
    expect(remoteAddress(command)).toBe(master);
    expect(remoteAddress(worker)).toBe(master);
    const writes = countWrites(command);
    expect(await burst(command, 'before')).toHaveLength(20);
    expect(writes.count).toBe(1);

    await sentinel.killMaster();
    // the command client fails fast meanwhile; the worker client's commands wait for the new master
    const waiting = worker.set('written-during-failover', '1');
    await expect(command.set('refused', '1')).rejects.toThrow();
    const { newMaster } = await sentinel.waitForFailover();
    await waitFor(async () => (await command.set('after', '1').catch(() => undefined)) === 'OK', {
      what: 'the command client writing again',
      timeoutMs: 15_000,
    });
    expect(await waiting).toBe('OK');
    expect(remoteAddress(command)).toBe(newMaster);
    expect(remoteAddress(worker)).toBe(newMaster);
    const again = countWrites(command);
    expect(await burst(command, 'after')).toHaveLength(20);
    expect(again.count).toBe(1);
  });

  it('authenticates to the data nodes with REDIS_PASSWORD and to the sentinels with their own ACL user', async () => {
    const { sentinel } = topology;
    const [host, port] = (await sentinel.masterAddress()).split(':');
    for (const node of sentinel.sentinels) {
      const admin = new Redis({ host: node.host, port: node.port });
      await admin.call('SENTINEL', 'SET', sentinel.masterName, 'auth-pass', DATA_PASSWORD);
      await admin.call('ACL', 'SETUSER', 'watcher', 'on', `>${SENTINEL_PASSWORD}`, '+@all');
      await admin.call('ACL', 'SETUSER', 'default', 'off');
      admin.disconnect();
    }
    const master = new Redis({ host, port: Number(port) });
    await master.config('SET', 'requirepass', DATA_PASSWORD);
    master.disconnect();
    const env = { REDIS_SENTINELS: sentinel.sentinelAddresses, REDIS_SENTINEL_NAME: sentinel.masterName };
    const client = (extra: NodeJS.ProcessEnv): Redis => {
      const made = asSingleNode(
        createRedis(
          parseRedisConnection({ ...env, ...extra }),
          { kind: 'probe', timeoutMs: 1_000 },
          {
            connectionName: 'auth',
          },
        ),
      );
      clients.push(made);
      return made;
    };
    const both = { REDIS_SENTINEL_USERNAME: 'watcher', REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD };
    const allowed = client({ ...both, REDIS_PASSWORD: DATA_PASSWORD });
    expect(await firstOutcome(allowed)).toBe('ready');
    expect(await allowed.set('authenticated', '1')).toBe('OK');

    const failures = await Promise.all([
      firstOutcome(client({ REDIS_PASSWORD: DATA_PASSWORD })),
      firstOutcome(client({ ...both, REDIS_PASSWORD: 'not-the-data-password' })),
    ]);
    expect(failures[0]).toMatch(/sentinels are unreachable/);
    expect(failures[1]).toMatch(/WRONGPASS|NOAUTH/);
    for (const failure of failures) expect(failure).not.toMatch(new RegExp(`${DATA_PASSWORD}|${SENTINEL_PASSWORD}`));
  });
});
