import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { throwOnFailedReply } from '../common/event-log';
import { type EventingKeys } from '../common/keys';
import { type EventingEnv } from '../common/settings';
import { EVENTING_ENV, EVENTING_KEYS, EVENTING_REDIS } from '../common/tokens';

/** A run counter lives this long after its last failure (also garbage-collects deleted triggers). */
export const FAILURE_RUN_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Consecutive final failures per trigger (`EVENTING_DISABLE_AFTER_FAILURES`, 0 = off): a delivery
 * that ends in the DLQ adds one, a successful send resets the run. Shared by all workers in Redis.
 */
@Injectable()
export class FailureRuns {
  constructor(
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {}

  get enabled(): boolean {
    return this.env.disableAfterFailures > 0;
  }

  /** Counts a final failure; true when the run reached the threshold (the caller disables the trigger). */
  async recordFailure(project: string, triggerId: string): Promise<boolean> {
    if (!this.enabled) return false;
    const key = this.keys.failureRun(project, triggerId);
    const results = await this.redis.multi().incr(key).pexpire(key, FAILURE_RUN_TTL_MS).exec();
    throwOnFailedReply(results);
    return Number(results?.[0]?.[1]) >= this.env.disableAfterFailures;
  }

  /**
   * Ends the run. Issues its command synchronously (no await before it), so on the write-coalescing
   * client it leaves in the same write as the attempt's other writes.
   */
  reset(project: string, triggerId: string): Promise<unknown> {
    return this.enabled ? this.redis.del(this.keys.failureRun(project, triggerId)) : Promise.resolve();
  }
}
