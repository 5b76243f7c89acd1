import { ClientRedis, type ReadPacket, type RedisContext, ServerRedis } from '@nestjs/microservices';
import { Cluster, type Redis } from 'ioredis';
import {
  type RedisClient,
  type RedisConnection,
  redisClusterOptions,
  redisConnectionOptions,
} from '@spaceport/redis-core';
import { type ConfigMessageAuth, type MessageSealer } from '../signing/config-message-auth';

/** Reconnect forever, quickly: the config plane must heal by itself after a Redis restart. */
const RETRY = { retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 250 } as const;

/** While Redis is down every reconnect attempt fails; log the first error, then at most every 30 s. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Nest's transport makes a `new Redis(options)`; a Redis Cluster needs an ioredis `Cluster` instead, with
 * the same reconnect policy. Pub/sub works from any node of a cluster (every PUBLISH reaches every node);
 * ioredis subscribes through one node and moves the subscription to another when it fails.
 */
function transportClusterClient(connection: RedisConnection, connectionName: string): Cluster | undefined {
  if (connection.kind !== 'cluster') return undefined;
  return new Cluster(connection.nodes, {
    ...redisClusterOptions(connection, { kind: 'background' }, connectionName),
    clusterRetryStrategy: () => RETRY.retryDelay,
    enableOfflineQueue: true,
  });
}

function throttledErrorLog(log: (error: unknown) => void): (client: RedisClient) => void {
  let lastLoggedAt = 0;
  return (client) => {
    client.on('error', (error: unknown) => {
      const now = Date.now();
      if (now - lastLoggedAt < ERROR_LOG_INTERVAL_MS) return;
      lastLoggedAt = now;
      log(error);
    });
  };
}

/**
 * Nest's Redis transport server, started without blocking: `listen` returns at once and the
 * subscriptions are made as soon as Redis is reachable (Nest's own `start` fails start-up when
 * Redis is down and never subscribes later). ioredis re-subscribes after reconnects by itself.
 * Every message received must be signed (`auth.open`, else dropped), every reply is signed.
 */
export class ResilientRedisServer extends ServerRedis {
  private bound = false;
  private readonly errorLog = throttledErrorLog((error) =>
    this.logger.error(`Redis unreachable (retrying every ${RETRY.retryDelay} ms): ${String(error)}`),
  );
  private readonly sealer: MessageSealer;

  constructor(
    private readonly connection: RedisConnection,
    private readonly connectionName: string,
    private readonly auth: ConfigMessageAuth,
  ) {
    super({ ...transportOptions(connection), ...RETRY, connectionName });
    this.sealer = auth.sealer();
  }

  override async handleMessage(channel: string, buffer: string, pub: Redis, pattern: string): Promise<unknown> {
    const packet = this.auth.open(channel, String(buffer));
    if (!packet) return undefined;
    return super.handleMessage(channel, JSON.stringify(packet), pub, pattern);
  }

  /** Nest's publisher, with a `pub` that signs the reply (bound to the request's id) on its way out. */
  override getPublisher(pub: Redis, pattern: unknown, id: string, ctx: RedisContext): (response: unknown) => unknown {
    const signing = {
      publish: (channel: string, text: string) =>
        pub.publish(channel, JSON.stringify(this.sealer.seal(channel, JSON.parse(text), id))),
    } as unknown as Redis;
    return super.getPublisher(signing, pattern, id, ctx);
  }

  override createRedisClient(): Redis {
    return (transportClusterClient(this.connection, this.connectionName) ?? super.createRedisClient()) as Redis;
  }

  override registerErrorListener(client: Redis): void {
    this.errorLog(client);
  }

  /** Nest's close() without its QUITs (see closeNow). */
  override async close(): Promise<void> {
    this.isManuallyClosed = true;
    this.pendingEventListeners = [];
    closeNow(this.pubClient, this.subClient);
  }

  override start(callback?: () => void): void {
    const [pub, sub] = this.unwrap<[Redis, Redis]>();
    const bindWhenReady = (): void => {
      if (this.bound || pub.status !== 'ready' || sub.status !== 'ready') return;
      this.bound = true;
      this.bindEvents(sub, pub);
    };
    pub.on('ready', bindWhenReady);
    sub.on('ready', bindWhenReady);
    void pub.connect().catch(() => undefined);
    void sub.connect().catch(() => undefined);
    callback?.();
  }

  /** Calls `listener` every time the subscriber connection becomes ready again (not the first time). */
  onReconnected(listener: () => void): void {
    let first = true;
    this.on('ready', (type: string) => {
      if (type !== 'sub') return;
      if (first) {
        first = false;
        return;
      }
      listener();
    });
  }
}

/**
 * Nest's Redis transport client with the same reconnect policy and throttled error logs. It signs every
 * event and request (its serializer), and drops every reply that is not signed as an answer to its id.
 */
export class ResilientRedisClient extends ClientRedis {
  private readonly errorLog = throttledErrorLog((error) =>
    this.logger.error(`Redis unreachable (retrying every ${RETRY.retryDelay} ms): ${String(error)}`),
  );

  constructor(
    private readonly connection: RedisConnection,
    private readonly connectionName: string,
    private readonly auth: ConfigMessageAuth,
  ) {
    super({ ...transportOptions(connection), ...RETRY, connectionName, serializer: signingSerializer(auth.sealer()) });
  }

  override createResponseCallback(): (channel: string, buffer: string) => Promise<void> {
    const deliver = super.createResponseCallback();
    return async (channel, buffer) => {
      const packet = this.auth.open(channel, String(buffer), true);
      if (packet) await deliver(channel, JSON.stringify(packet));
    };
  }

  override createClient(): Redis {
    return (transportClusterClient(this.connection, this.connectionName) ?? super.createClient()) as Redis;
  }

  override registerErrorListener(client: Redis): void {
    this.errorLog(client);
  }

  /** Nest's close() without its QUITs (see closeNow). */
  override async close(): Promise<void> {
    this.isManuallyClosed = true;
    this.handleClose();
    this.pendingEventListeners = [];
    closeNow(this.pubClient, this.subClient);
  }
}

/**
 * Closes a transport's connections at once. Nest's close() sends QUIT on each and awaits the reply, which a
 * stuck Redis (SIGSTOPped, partitioned away) never gives: an app's shutdown then waited until its process-wide
 * timeout. A pub/sub connection has nothing pending that QUIT would flush.
 */
function closeNow(...clients: (Redis | undefined)[]): void {
  for (const client of clients) client?.disconnect();
}

export function createRedisClient(
  connection: RedisConnection,
  connectionName: string,
  auth: ConfigMessageAuth,
): ClientRedis {
  return new ResilientRedisClient(connection, connectionName, auth);
}

/** Nest JSON-encodes what the serializer returns: the envelope, signed for the packet's channel. */
function signingSerializer(sealer: MessageSealer): { serialize: (packet: ReadPacket) => unknown } {
  return {
    serialize: (packet) => {
      const channel = typeof packet.pattern === 'string' ? packet.pattern : JSON.stringify(packet.pattern);
      return sealer.seal(channel, packet);
    },
  };
}

/** Nest's own options: the connection's (none for a cluster, whose client `transportClusterClient` makes). */
function transportOptions(connection: RedisConnection): object {
  return connection.kind === 'cluster' ? {} : redisConnectionOptions(connection);
}
