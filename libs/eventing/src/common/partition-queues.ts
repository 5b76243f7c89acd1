import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type NodeOptions, settlesWithin } from '@spaceport/runtime-core';
import { Queue } from 'bullmq';
import { type RedisClient } from '@spaceport/redis-core';
import { closeOnceInitialised } from './close-once-initialised';
import { type DeliveryJobData } from './delivery-job';
import { partitionQueueAddress } from './keys';
import { type EventingEnv } from './settings';
import { EVENTING_ENV, EVENTING_QUEUE_REDIS } from './tokens';

/**
 * Entries of BullMQ's events stream (`bull:<queue>:events`) kept per partition queue; BullMQ's default is
 * 10 000. Nothing in Spaceport reads the stream (no QueueEvents): it is a record of job transitions, about
 * 4 entries of ~80 bytes per delivery, trimmed to about this length (by whole stream nodes of 100). So it
 * is a fixed cost per queue: 1 000 × 2P queues × 80 bytes ≈ 5 MB at P = 32 (50 MB with BullMQ's default,
 * 1.6 GB at P = 1024). The Queue handle writes it into the queue's meta, which BullMQ's scripts read.
 */
export const QUEUE_EVENTS_MAX_LEN = 1_000;

/**
 * BullMQ `Queue` handles (producers and job counts, never workers) of the partition queues, on the
 * queue client (EVENTING_QUEUE_REDIS: BullMQ's scripts, the job counts of a scrape included, do not
 * queue with the ledger's commands), one per queue name for the life of the app; closed with the module.
 */
@Injectable()
export class PartitionQueues implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue<DeliveryJobData>>();
  /** handles whose initialisation (connection ready, scripts loaded, version read) finished */
  private readonly initialised = new WeakSet<Queue<DeliveryJobData>>();

  constructor(
    @Inject(EVENTING_QUEUE_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
  ) {}

  /** The queue of `partition` (its ordered queue with `ordered`), under the partition's prefix. */
  of(partition: number, ordered: boolean): Queue<DeliveryJobData> {
    const { name, prefix } = partitionQueueAddress(this.env.bullPrefix, this.node.clusterId, partition, ordered);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<DeliveryJobData>(name, {
        connection: this.redis,
        prefix,
        streams: { events: { maxLen: QUEUE_EVENTS_MAX_LEN } },
      });
      queue.on('error', () => undefined); // connection errors are logged once by the shared client
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Whether the handle of `partition`'s queue exists and finished initialising (no I/O). */
  isReady(partition: number, ordered: boolean): boolean {
    const { name } = partitionQueueAddress(this.env.bullPrefix, this.node.clusterId, partition, ordered);
    const queue = this.queues.get(name);
    return queue !== undefined && this.initialised.has(queue);
  }

  /**
   * The queue of `partition`, initialised: BullMQ's handle waits for its connection to be ready before its
   * first command, without a bound, so an `add` on a handle still initialising while Redis is away would
   * go through whenever Redis comes back — after the request that issued it was answered 503 — and queue
   * a delivery of an event never accepted. Publishers therefore add only on a handle found ready here:
   * one that is not ready within `withinMs` is discarded and this rejects (a Redis-unavailable error).
   */
  async ready(partition: number, ordered: boolean, withinMs: number): Promise<Queue<DeliveryJobData>> {
    const queue = this.of(partition, ordered);
    if (this.initialised.has(queue)) return queue;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Connection is closed: queue ${queue.name} not ready within ${withinMs} ms`)),
        withinMs,
      );
    });
    try {
      await Promise.race([queue.waitUntilReady(), timeout]);
      this.initialised.add(queue);
      return queue;
    } catch (error) {
      this.discard(queue);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops a handle whose use failed (e.g. it initialised while Redis was away), so it is not kept. */
  discard(queue: Queue<DeliveryJobData>): void {
    if (this.queues.get(queue.name) === queue) this.queues.delete(queue.name);
    void closeOnceInitialised(queue).catch(() => undefined);
  }

  /** Closes every handle; one still initialising (Redis away) is closed once that settles, within the command timeout of Redis answering or at the client's end. */
  async onModuleDestroy(): Promise<void> {
    const closing = [...this.queues.values()].map((queue) => closeOnceInitialised(queue));
    this.queues.clear();
    const all = Promise.allSettled(closing);
    await settlesWithin(all, this.env.commandTimeoutMs);
  }
}
