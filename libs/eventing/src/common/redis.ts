import { Redis } from 'ioredis';
import { type Logger } from 'pino';

/**
 * A client that fails fast while Redis is away (no offline queue, a command timeout, one retry per
 * request), so the API answers 503 at once instead of hanging or answering 202 for nothing stored.
 * Reconnects in the background; errors are logged at most every 5 s (the URL's password never is).
 *
 * Its writes are coalesced (`coalesceWrites`), as the BullMQ worker client's are. The apps' command and
 * queue clients are made with it and never carry blocking commands.
 */
export function createFailFastRedis(url: string, commandTimeoutMs: number, logger: Logger, name: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(1_000, commandTimeoutMs),
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    connectionName: name,
  });
  coalesceWrites(client);
  attachErrorLog(client, logger, name);
  return client;
}

/**
 * A client for BullMQ workers (BullMQ requires `maxRetriesPerRequest: null` for blocking commands), its
 * writes coalesced; BullMQ duplicates it for each worker's blocking connection, without the coalescing.
 */
export function createWorkerRedis(url: string, logger: Logger, name: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    connectionName: name,
  });
  coalesceWrites(client);
  attachErrorLog(client, logger, name);
  return client;
}

/**
 * Coalesces a client's socket writes per event-loop iteration: the first write of an iteration corks
 * the connection's socket and a setImmediate uncorks it, so every command issued until then (by any
 * number of concurrent requests or jobs) leaves in one writev (a write syscall is a large part of a
 * small command's CPU). That is the batching of ioredis's auto-pipelining, which waits for setImmediate
 * too, without its price: a Pipeline per batch with a copy of every script defined on the client (BullMQ
 * defines about 50: ≈ 50 µs a batch), a promise and a nextTick per command, and a batch held back while
 * the previous one awaits its replies (commit e59d695: −9 % worker CPU per delivery when the command
 * client left auto-pipelining). Commands keep their order and their replies are read as before; a
 * reconnect gets a new socket, which is hooked again on `connect`.
 */
export function coalesceWrites(client: Redis): void {
  client.on('connect', () => {
    const socket = client.stream;
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]): boolean => {
      if (!corked) {
        corked = true;
        socket.cork();
        setImmediate(uncork);
      }
      return write(...args);
    }) as typeof socket.write;
  });
}

export function attachErrorLog(client: Redis, logger: Logger, name: string): void {
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < 5_000) return;
    lastLogged = now;
    logger.warn({ connection: name, err: { message: error.message } }, 'redis connection error');
  });
}

/** Errors that mean "Redis unavailable" rather than a bug: connection, timeout, offline queue off. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Reached the max retries|LOADING|MaxRetriesPerRequestError|connect/i.test(
    `${error.name} ${error.message}`,
  );
}

/** A Lua script defined on a client: call it with its keys, then its args. */
export type RedisScript = (...keysThenArgs: (string | number)[]) => Promise<number>;

/**
 * Defines `lua` as the ioredis command `name` (EVALSHA, the script loaded on first use) and returns
 * its caller bound to `client`, so call sites need no cast to reach the dynamically added method.
 * `numberOfKeys` undefined: a variable number of keys, the caller passes their count first.
 */
export function defineScript(client: Redis, name: string, numberOfKeys: number | undefined, lua: string): RedisScript {
  client.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  const command = (client as unknown as Record<string, RedisScript | undefined>)[name];
  if (!command) throw new Error(`ioredis did not define the command ${name}`);
  return command.bind(client);
}
