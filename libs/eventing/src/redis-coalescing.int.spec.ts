import { useRedisServer, waitFor } from '@spaceport/testing';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { asSingleNode, coalesceWrites, createRedis, parseRedisUrl } from '@spaceport/redis-core';
import { defineScript } from './common/redis';

// coalesceWrites against a real redis-server: the commands of one event-loop iteration leave in one
// socket write (counted at the socket's _write/_writev, what a write syscall is issued from), their
// replies come back in order, and a reconnected client's new socket is coalesced too.
const redisServer = useRedisServer();
const clients: Redis[] = [];

async function connected(coalesced: boolean): Promise<Redis> {
  const client = new Redis(redisServer.redis.url, { lazyConnect: true });
  if (coalesced) coalesceWrites(client);
  clients.push(client);
  await client.connect();
  return client;
}

/** Counts the socket-level writes of the client's current connection. */
function countWrites(client: Redis): { count: number } {
  const counter = { count: 0 };
  const socket = client.stream as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
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

/** 20 commands in one iteration; resolves their replies. */
function burst(client: Redis, tag: string): Promise<(string | null)[]> {
  return Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? client.set(`${tag}:${i}`, String(i)) : client.get(`${tag}:${i - 1}`),
    ),
  );
}

const expectedReplies = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'OK' : String(i - 1)));

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

describe('coalesceWrites', () => {
  it('sends the commands of one event-loop iteration in one socket write, replies in order', async () => {
    const plain = await connected(false);
    const plainWrites = countWrites(plain);
    expect(await burst(plain, 'plain')).toEqual(expectedReplies);
    // the control: without coalescing, each command is a write of its own
    expect(plainWrites.count).toBeGreaterThan(10);

    const coalesced = await connected(true);
    const writes = countWrites(coalesced);
    expect(await burst(coalesced, 'coalesced')).toEqual(expectedReplies);
    expect(writes.count).toBe(1);
    // the next iteration is a write of its own, not held back
    expect(await coalesced.get('coalesced:0')).toBe('0');
    expect(writes.count).toBe(2);
  });

  it('coalesces the new socket after a reconnect', async () => {
    const client = await connected(true);
    const first = client.stream;
    client.disconnect(true);
    await waitFor(() => client.status === 'ready' && client.stream !== first, {
      what: 'reconnected',
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    const writes = countWrites(client);
    expect(await burst(client, 'again')).toEqual(expectedReplies);
    expect(writes.count).toBe(1);
  });
});

describe("createRedis's command client", () => {
  it('coalesces: scripts and commands of one iteration in one write, a script defined late included', async () => {
    const client = asSingleNode(
      createRedis(
        parseRedisUrl(redisServer.redis.url),
        { kind: 'command', commandTimeoutMs: 2_000 },
        { connectionName: 'coalescing-test', logger: pino({ level: 'silent' }) },
      ),
    );
    clients.push(client);
    await client.connect();
    expect(await client.set('early', '1')).toBe('OK');
    // defined after the client carried commands (an auto-pipelined client's batch could miss it)
    const incrBy = defineScript(client, 'spTestIncrBy', 1, "return redis.call('incrby', KEYS[1], ARGV[1])");
    // (the first EVALSHA of a script the server lacks fails with NOSCRIPT and is retried as EVAL)
    expect(await Promise.all([incrBy('late', 2), client.get('early'), incrBy('late', 3)])).toEqual([2, '1', 5]);
    const again = countWrites(client);
    expect(await Promise.all([incrBy('late', 1), incrBy('late', 1), client.get('late')])).toEqual([6, 7, '7']);
    expect(again.count).toBe(1);
  });
});
