import { Inject, Injectable } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type EventingKeys, triggerRef } from './keys';
import { EVENTING_KEYS, EVENTING_REDIS } from './tokens';
import { throwOnFailedReply } from './event-log';

export interface DisabledReason {
  readonly reason: 'gone';
  readonly at: string;
  readonly statusCode: number | null;
}

/**
 * Triggers the data plane disabled (a 410 from the receiver). The workers cannot write config, so
 * the fact lives in Redis (a set + reasons), consulted at fan-out and before each delivery; the
 * config plane may persist it as `enabled: false` and clear it with `enable`.
 */
@Injectable()
export class DisabledTriggers {
  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: Redis,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {}

  async all(): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.disabledTriggers));
  }

  async isDisabled(project: string, triggerId: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.disabledTriggers, triggerRef(project, triggerId))) === 1;
  }

  async disable(project: string, triggerId: string, reason: DisabledReason): Promise<void> {
    const ref = triggerRef(project, triggerId);
    await this.redis.multi().sadd(this.keys.disabledTriggers, ref).hset(this.keys.disabledReasons, ref, JSON.stringify(reason)).exec()
      .then(throwOnFailedReply);
  }

  async enable(project: string, triggerId: string): Promise<void> {
    const ref = triggerRef(project, triggerId);
    await this.redis.multi().srem(this.keys.disabledTriggers, ref).hdel(this.keys.disabledReasons, ref).exec().then(throwOnFailedReply);
  }

  /** Disabled triggers of one project with their reasons. */
  async ofProject(project: string): Promise<Record<string, DisabledReason>> {
    const all = await this.redis.hgetall(this.keys.disabledReasons);
    const entries = Object.entries(all).filter(([ref]) => ref.startsWith(`${project}/`));
    return Object.fromEntries(entries.map(([ref, json]) => [ref.slice(project.length + 1), JSON.parse(json) as DisabledReason]));
  }
}
