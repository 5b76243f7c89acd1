import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type JsonValue } from '@spaceport/eventing-core';
import { duplicateSubscriber, type RedisClient } from '@spaceport/redis-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type EventingKeys } from '../common/keys';
import { parseSyncReply } from '../common/sync-reply';
import { EVENTING_KEYS, EVENTING_REDIS } from '../common/tokens';

/**
 * What a synchronous call ends with: the first answer carrying `response`, all answers without, nothing in
 * time, or its client gone before either.
 */
export type SyncOutcome =
  | { readonly kind: 'response'; readonly response: JsonValue }
  | { readonly kind: 'no-response' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'abandoned' };

/** One held call: the answers it still waits for. */
interface Waiter {
  readonly deliveries: number;
  /** triggers that answered without `response` (a delivery run again may answer twice) */
  readonly answered: Set<string>;
  readonly settle: (outcome: SyncOutcome) => void;
}

/** A registered wait: `outcome` settles once; `cancel` drops it (publish failed). */
export interface SyncWait {
  readonly outcome: Promise<SyncOutcome>;
  cancel(): void;
}

/**
 * The gateway's end of synchronous events (docs/space-cloud.md#synchronous-events). Space Cloud sends a
 * webhook's `response` back to the instance holding the call through its instance registry; here that
 * instance subscribes to a Redis pub/sub channel of its own (`EventingKeys.syncReply(nodeId)`), the
 * event's jobs carry that channel (`replyTo`) and the worker that delivers publishes each 2xx answer
 * there (delivery/webhook-answer.ts). The subscription is made on the first synchronous call and kept.
 */
@Injectable()
export class SyncReplies implements OnApplicationShutdown {
  private subscriber: RedisClient | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
  ) {}

  /** The channel the workers answer this gateway on. */
  get channel(): string {
    return this.keys.syncReply(this.node.nodeId);
  }

  /** Resolves once this gateway's channel is subscribed (a dedicated connection, kept for the process). */
  listen(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    const subscriber = duplicateSubscriber(this.redis);
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the command client logs connection problems
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    // ioredis subscribes again by itself after a reconnect
    const subscribed = subscriber.subscribe(this.channel).then(() => undefined);
    this.subscribed = subscribed;
    subscribed.catch(() => {
      if (this.subscribed === subscribed) this.subscribed = undefined;
      if (this.subscriber === subscriber) this.subscriber = undefined;
      subscriber.disconnect();
    });
    return subscribed;
  }

  /**
   * Waits for the answers to `eventId`'s `deliveries` deliveries, for at most `timeoutMs`: the first
   * answer with a `response` settles it; `deliveries` answers without one settle it as `no-response`;
   * `clientGone` aborted (the caller went away) settles it as `abandoned`.
   * Register before publishing: an answer may come before the publish call returns.
   */
  expect(eventId: string, deliveries: number, timeoutMs: number, clientGone?: AbortSignal): SyncWait {
    let timer: NodeJS.Timeout | undefined;
    let onGone: (() => void) | undefined;
    const drop = (): void => {
      clearTimeout(timer);
      if (onGone) clientGone?.removeEventListener('abort', onGone);
      this.waiting.delete(eventId);
    };
    const outcome = new Promise<SyncOutcome>((resolve) => {
      const settle = (result: SyncOutcome): void => {
        drop();
        resolve(result);
      };
      this.waiting.set(eventId, { deliveries, answered: new Set(), settle });
      timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
      if (!clientGone) return;
      onGone = () => settle({ kind: 'abandoned' });
      if (clientGone.aborted) onGone();
      else clientGone.addEventListener('abort', onGone, { once: true });
    });
    return { outcome, cancel: drop };
  }

  /** Number of calls waiting now (tests, metrics). */
  get held(): number {
    return this.waiting.size;
  }

  private onMessage(message: string): void {
    const reply = parseSyncReply(message);
    const waiter = reply && this.waiting.get(reply.eventId);
    if (!reply || !waiter) return; // answered already, timed out, or another process's
    if (reply.response !== undefined) return waiter.settle({ kind: 'response', response: reply.response });
    waiter.answered.add(reply.trigger);
    if (waiter.answered.size >= waiter.deliveries) waiter.settle({ kind: 'no-response' });
  }

  onApplicationShutdown(): void {
    for (const waiter of [...this.waiting.values()]) waiter.settle({ kind: 'timeout' });
    this.subscriber?.disconnect();
  }
}
