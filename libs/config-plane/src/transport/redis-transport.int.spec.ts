// The config plane's Redis transport against a real redis-server: the subscriber heals by itself
// after its connection is killed, and says so once per reconnect (the mirror resyncs on that signal).
import { type ClientRedis } from '@nestjs/microservices';
import { Redis } from 'ioredis';
import { killRedisClientsNamed, useRedisServer, waitFor } from '@spaceport/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisClient, ResilientRedisServer } from './redis-transport';
import { parseRedisUrl } from '@spaceport/redis-core';
import { pino } from 'pino';
import { ConfigMessageAuth } from '../signing/config-message-auth';
import { parseConfigSigningKeys } from '../signing/signing-keys';
import { newSigningKey } from '@spaceport/testing';

const CHANNEL = 'spaceport:test:transport';
const NAME = 'spaceport:transport-test:sub';
/**
 * The publishes below are fire-and-forget; one may still wait for its reply when the test closes the
 * publisher, which disconnects at once (no QUIT): its "Connection is closed." must not surface as an
 * uncaught error (RxJS rethrows an error nobody subscribed to).
 */
const IGNORE_ERRORS = { error: () => undefined };

describe('ResilientRedisServer against a real redis-server', () => {
  const redis = useRedisServer();
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.allSettled(closers.splice(0).map((close) => close()));
  });

  it('calls onReconnected once per reconnect (not on the first connect) and receives events again afterwards', async () => {
    const connection = parseRedisUrl(redis.redis.url);
    const keys = parseConfigSigningKeys({ CONFIG_SIGNING_KEY: newSigningKey() });
    const auth = new ConfigMessageAuth(keys, 'test', pino({ level: 'silent' }), undefined);
    const server = new ResilientRedisServer(connection, NAME, auth);
    const publisher: ClientRedis = createRedisClient(connection, 'spaceport:transport-test:pub', auth);
    const admin = new Redis(redis.redis.url);
    closers.push(
      () => server.close(),
      () => publisher.close(),
      async () => admin.disconnect(),
    );

    const received: number[] = [];
    let reconnects = 0;
    server.addHandler(CHANNEL, async (data: { n: number }) => void received.push(data.n), true);
    server.onReconnected(() => (reconnects += 1));
    server.listen(() => undefined);
    await publisher.connect();

    // Subscribed once this arrives (publishing until then: a message sent before SUBSCRIBE is lost).
    await waitFor(
      async () => {
        publisher.emit(CHANNEL, { n: 1 }).subscribe(IGNORE_ERRORS);
        return received.includes(1);
      },
      { what: 'first event', timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(reconnects).toBe(0);

    expect(await killRedisClientsNamed(admin, NAME)).toBeGreaterThan(0);
    await waitFor(() => reconnects === 1, {
      what: 'onReconnected after CLIENT KILL',
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    await waitFor(
      async () => {
        publisher.emit(CHANNEL, { n: 2 }).subscribe(IGNORE_ERRORS);
        return received.includes(2);
      },
      { what: 'an event after the reconnect', timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(reconnects).toBe(1);
  });
});
