import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { type EventingKeys } from '../common/keys';
import { defineScript, type RedisScript } from '../common/redis';
import { EVENTING_KEYS, EVENTING_REDIS } from '../common/tokens';

/** The fixed window a delivery falls in, for a per-trigger limit of `perSecond` deliveries per second. */
export interface RateWindow {
  /** window number since the Unix epoch (part of the counter key) */
  readonly index: number;
  readonly windowMs: number;
  /** deliveries admitted per window */
  readonly limit: number;
  /** ms from `now` to the start of the next window */
  readonly resetInMs: number;
}

/**
 * Fixed windows aligned on the Unix epoch (pure). A limit of at least 1/s uses 1 s windows with
 * floor(limit) deliveries each (2.5/s → 2 per second: never more than configured); a limit below
 * 1/s uses one delivery per ceil(1000 / limit) ms (0.5/s → one per 2 s).
 */
export function rateWindowOf(now: number, perSecond: number): RateWindow {
  if (!(perSecond > 0) || !Number.isFinite(perSecond))
    throw new RangeError(`rate limit must be a positive number, got ${perSecond}`);
  const windowMs = perSecond >= 1 ? 1_000 : Math.ceil(1_000 / perSecond);
  const limit = Math.max(1, Math.floor((perSecond * windowMs) / 1_000));
  const index = Math.floor(now / windowMs);
  return { index, windowMs, limit, resetInMs: (index + 1) * windowMs - now };
}

/** INCR the window's counter and give it a TTL on first use: one script, one round trip. */
const ADMIT_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Per-trigger rate limit across all workers (docs/eventing.md "Rate limit"): a fixed-window counter in
 * Redis per trigger and window. Windows come from each worker's clock (NTP skew shifts a boundary by
 * that much). A delivery refused here is postponed to the next window by the caller, not attempted.
 */
@Injectable()
export class RateLimiter {
  private readonly admitScript: RedisScript;

  constructor(
    @Inject(EVENTING_REDIS) redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {
    this.admitScript = defineScript(redis, 'spRateAdmit', 1, ADMIT_LUA);
  }

  /** 0 when the delivery may go now, else the ms until the next window (when it should try again). */
  async delayFor(project: string, triggerId: string, perSecond: number): Promise<number> {
    const window = rateWindowOf(Date.now(), perSecond);
    const key = this.keys.rateWindow(project, triggerId, window.index);
    const admitted = await this.admitScript(key, window.windowMs * 2);
    return admitted <= window.limit ? 0 : window.resetInMs;
  }
}
