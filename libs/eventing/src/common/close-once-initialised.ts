import { settlesWithin } from '@spaceport/runtime-core';

/** What closeOnceInitialised needs of a BullMQ Queue or Worker. */
export interface BullMQHandle {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Closes a BullMQ Queue or Worker once its initialisation (client ready, then INFO for the version) has
 * settled, either way. BullMQ 5 re-emits a failed initialisation as 'error' on the handle's connection
 * (`this.initializing.catch(err => this.emit('error', err))`, bullmq/dist/cjs/classes/redis-connection.js:87),
 * and `close()` removes every listener of that connection (same file, `removeAllListeners()` in close's
 * `finally`): a handle closed while it initialised made that emit throw, which ends the process — an uncaught
 * "Connection is closed." for a partition's worker started and stopped within milliseconds (ownership
 * flapping after a Consul agent restart), an unhandled "Command timed out" for a queue handle whose INFO
 * waited behind a master that paused its clients (a manual Cluster failover). Until the close, the failure
 * reaches the handle's own 'error' listener.
 * `boundMs`: wait at most that long (a stop that must end even if Redis never answers), then close anyway.
 */
export async function closeOnceInitialised(handle: BullMQHandle, boundMs?: number): Promise<void> {
  const initialised = handle.waitUntilReady();
  if (boundMs === undefined) await initialised.catch(() => undefined);
  else await settlesWithin(initialised, boundMs);
  await handle.close();
}
