import { duplicateSubscriber, type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type EventingKeys, triggerRef } from './keys';
import { EVENTING_KEYS, EVENTING_REDIS } from './tokens';
import { throwOnFailedReply } from './event-log';

export interface DisabledReason {
  /** `gone`: the receiver answered 410; `failures`: EVENTING_DISABLE_AFTER_FAILURES final failures in a row */
  readonly reason: 'gone' | 'failures';
  readonly at: string;
  /** status code of the last attempt */
  readonly statusCode: number | null;
}

/** Longest a cached disabled set is used, even when no change was announced. */
export const DISABLED_CACHE_TTL_MS = 1_000;

/**
 * Triggers the data plane disabled (a 410 from the receiver, or a run of final failures). The
 * workers cannot write config, so the fact lives in Redis (a set + reasons), consulted before each
 * delivery: a delivery of a disabled trigger is held (parked in the DLQ by
 * `DeadLetters.holdIfTriggerDisabled`, which checks the set again in its own script) until `enable`;
 * the observe API's enable (`HeldDeliveries.enable`) calls `enable`, then releases what was held.
 *
 * The set is cached per process for at most DISABLED_CACHE_TTL_MS, and only while a pub/sub
 * subscription is live: `disable`/`enable` publish on the same MULTI, and every subscriber drops its
 * cache on the message (and whenever the subscription drops), so a 410 is seen everywhere at once.
 */
@Injectable()
export class DisabledTriggers implements OnApplicationShutdown {
  private cached: { readonly set: ReadonlySet<string>; readonly at: number } | undefined;
  /** bumped on every invalidation, so a read that raced a change is not cached */
  private generation = 0;
  private subscriber: RedisClient | undefined;
  private live = false;

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {}

  private get channel(): string {
    return `${this.keys.disabledTriggers}:changed`;
  }

  async all(): Promise<ReadonlySet<string>> {
    this.subscribe();
    const cached = this.cached;
    if (this.live && cached && Date.now() - cached.at < DISABLED_CACHE_TTL_MS) return cached.set;
    const generation = this.generation;
    const set = new Set(await this.redis.smembers(this.keys.disabledTriggers));
    if (this.live && generation === this.generation) this.cached = { set, at: Date.now() };
    return set;
  }

  async isDisabled(project: string, triggerId: string): Promise<boolean> {
    return (await this.all()).has(triggerRef(project, triggerId));
  }

  async disable(project: string, triggerId: string, reason: DisabledReason): Promise<void> {
    const ref = triggerRef(project, triggerId);
    this.invalidate();
    await this.redis
      .multi()
      .sadd(this.keys.disabledTriggers, ref)
      .hset(this.keys.disabledReasons, ref, JSON.stringify(reason))
      .publish(this.channel, ref)
      .exec()
      .then(throwOnFailedReply);
    this.invalidate();
  }

  async enable(project: string, triggerId: string): Promise<void> {
    const ref = triggerRef(project, triggerId);
    this.invalidate();
    await this.redis
      .multi()
      .srem(this.keys.disabledTriggers, ref)
      .hdel(this.keys.disabledReasons, ref)
      .publish(this.channel, ref)
      .exec()
      .then(throwOnFailedReply);
    this.invalidate();
  }

  /** Disabled triggers of one project with their reasons. */
  async ofProject(project: string): Promise<Record<string, DisabledReason>> {
    const all = await this.redis.hgetall(this.keys.disabledReasons);
    const entries = Object.entries(all).filter(([ref]) => ref.startsWith(`${project}/`));
    return Object.fromEntries(
      entries.map(([ref, json]) => [ref.slice(project.length + 1), JSON.parse(json) as DisabledReason]),
    );
  }

  private invalidate(): void {
    this.generation += 1;
    this.cached = undefined;
  }

  /** Starts the invalidation subscription once (a dedicated connection; ioredis re-subscribes after reconnects). */
  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = duplicateSubscriber(this.redis);
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the command client logs connection problems
    subscriber.on('message', () => this.invalidate());
    subscriber.on('close', () => {
      this.live = false;
      this.invalidate();
    });
    subscriber.on('ready', () => {
      this.invalidate();
      // ioredis re-issues SUBSCRIBE on reconnect; trust the cache again only once that is confirmed
      void subscriber.subscribe(this.channel).then(
        () => {
          this.invalidate();
          this.live = true;
        },
        () => undefined,
      );
    });
    void subscriber.connect().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.live = false;
    this.subscriber?.disconnect();
  }
}
