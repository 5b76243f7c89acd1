import { Redis, type RedisOptions } from 'ioredis';

/** The ioredis internals its own close handler uses to end a client (ioredis 5, `built/redis/event_handler.js`). */
interface ClientInternals {
  readonly status: string;
  reconnectTimeout: NodeJS.Timeout | null;
  manuallyClosing: boolean;
  prevCommandQueue: { shift(): { command: { reject(error: Error): void } } | undefined } | null;
  setStatus(status: 'end'): void;
  flushQueue(error: Error): void;
}

/** The message ioredis rejects commands of an ended client with (BullMQ treats it as a connection error). */
const CONNECTION_CLOSED = 'Connection is closed.';

/**
 * An ioredis client whose `disconnect()` also ends it while it waits out a reconnect delay.
 *
 * ioredis 5 has a gap: a client in `reconnecting` (its socket gone, a retry timer armed) that is told to
 * `disconnect()` clears the timer and ends a socket that is already closed, so no `close` event follows:
 * the client stays `reconnecting` forever, never emits `end`, and its pending commands (a blocking
 * BZPOPMIN kept for resending) never settle. BullMQ's `Worker.close()` awaits that `end` on its blocking
 * connection (bullmq#4656, ioredis#2169), so a worker closed within a reconnect delay of losing its
 * connection never finished closing — as after a Redis failover, where the demoted master drops its
 * blocked clients, or any time Redis is unreachable. Here such a disconnect does what ioredis's close
 * handler does for a manual close: status `end`, every queued command rejected with "Connection is closed.",
 * and the pending resends too. Duplicates (BullMQ's blocking connections) are of this class as well.
 */
export class EndingRedis extends Redis {
  override disconnect(reconnect = false): void {
    const parked = !reconnect && this.status === 'reconnecting';
    super.disconnect(reconnect);
    // After the current synchronous code: a disconnect from a 'reconnecting' listener runs before ioredis
    // arms the retry timer. Still `reconnecting` then: no socket to close, so nothing else will end it.
    if (parked) queueMicrotask(() => endParked(this as unknown as ClientInternals));
  }

  override duplicate(override?: Partial<RedisOptions>): EndingRedis {
    return new EndingRedis({ ...this.options, ...override });
  }
}

function endParked(client: ClientInternals): void {
  if (client.status !== 'reconnecting') return;
  if (client.reconnectTimeout) clearTimeout(client.reconnectTimeout);
  client.reconnectTimeout = null;
  client.manuallyClosing = false;
  client.setStatus('end');
  const error = new Error(CONNECTION_CLOSED);
  client.flushQueue(error);
  const resends = client.prevCommandQueue;
  client.prevCommandQueue = null;
  for (let item = resends?.shift(); item; item = resends?.shift()) item.command.reject(error);
}
