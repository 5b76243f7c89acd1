import { DEFAULT_SENT_RETENTION_MS, MIN_SENT_RETENTION_MS } from '@spaceport/delivery-ledger';
import { DEFAULT_STALL_AFTER_MS } from '@spaceport/eventing-core';
import { parseRedisWait, type RedisConnection, type RedisWaitSettings } from '@spaceport/redis-core';
import { ConfigError } from '@spaceport/runtime-core';

/**
 * Process settings of the eventing data plane, a section of the gateway's and the event-worker's
 * settings object (pure: the caller passes `env`). Per-project and per-trigger settings come from the
 * config snapshot instead.
 */

export interface EventingEnv {
  /** the Redis connection (`REDIS_URL`, or `REDIS_SENTINELS`…) as the config plane parsed it (one parse per app) */
  readonly redis: RedisConnection;
  /** `EVENTING_BULL_PREFIX`: BullMQ key prefix, default `bull` */
  readonly bullPrefix: string;
  /** `EVENTING_CONCURRENCY`: deliveries in flight per owned partition, default 16 */
  readonly concurrency: number;
  /** `EVENTING_LOCK_MS`: BullMQ job lock; a dead worker's jobs are re-run after about this long. Default 30000 */
  readonly lockMs: number;
  /** `REDIS_COMMAND_TIMEOUT_MS`: the gateway fails fast (503) past this, default 2000 */
  readonly commandTimeoutMs: number;
  /** `WEBHOOK_ALLOW_PRIVATE=true`: no SSRF guard at all (trusted networks only) */
  readonly allowPrivate: boolean;
  /** `WEBHOOK_ALLOWED_CIDRS`: comma-separated CIDRs allowed despite the SSRF guard */
  readonly allowedCidrs: readonly string[];
  /** `WEBHOOK_MAX_RESPONSE_BYTES`: response body kept in the invocation log, default 2048 */
  readonly maxResponseBytes: number;
  /**
   * `EVENTING_DISABLE_AFTER_FAILURES`: a trigger whose deliveries end in the DLQ this many times in a
   * row (no success in between) is disabled by the data plane, reason `failures`. Default 0 = off.
   */
  readonly disableAfterFailures: number;
  /**
   * `EVENTING_DLQ_MAX_ENTRIES`: entries kept per project in the DLQ (about: the stream is trimmed by whole
   * nodes); past it the oldest are dropped, counted and logged. Default 100000; 0 = no cap.
   */
  readonly dlqMaxEntries: number;
  /**
   * `EVENTING_STALL_AFTER_MS`: a partition whose consumer runs is `stalled` (stuck) once its oldest due job
   * has waited this long and its consumer has taken no job for this long. Default 30000.
   */
  readonly stallAfterMs: number;
  /**
   * `EVENTING_SENT_RETENTION_MS`: how long a sent record is kept beyond the Idempotency-Key TTL its event
   * came with (none: this long in all): the longest a job run again after its send was recorded may wait
   * for a worker (delivery/sent-retention.ts). Default 1 hour; at least twice `EVENTING_LOCK_MS`.
   */
  readonly sentRetentionMs: number;
  /**
   * `REDIS_WAIT_REPLICAS` / `REDIS_WAIT_TIMEOUT_MS`: the replicas an accepted event and its jobs (gateway:
   * 202 only then, else 503) and a sent record (event-worker: a shortfall is counted) must reach. Default 0.
   */
  readonly redisWait: RedisWaitSettings;
  /**
   * `EVENTING_FOLLOW_UP_MAX_DEPTH`: how many webhook answers deep follow-up events (`event`/`events` of a
   * 2xx answer) are queued; deeper ones are dropped with a warning (a loop guard). Default 5; 0 = none.
   */
  readonly followUpMaxDepth: number;
  /**
   * `EVENTING_SYNC_MAX_PENDING`: the most `isSynchronous` calls one gateway holds at once; past it a new one
   * is refused with 503 before anything is published (docs/space-cloud.md#synchronous-events). Default 1000.
   */
  readonly syncMaxPending: number;
}

const MAX_SENT_RETENTION_MS = 30 * 86_400_000;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

/** EVENTING_SENT_RETENTION_MS: a job whose worker died runs again after up to two locks, so at least that. */
function sentRetention(env: NodeJS.ProcessEnv, lockMs: number): number {
  const name = 'EVENTING_SENT_RETENTION_MS';
  const value = integer(env, name, DEFAULT_SENT_RETENTION_MS, MIN_SENT_RETENTION_MS, MAX_SENT_RETENTION_MS);
  if (value < 2 * lockMs) throw new ConfigError(name, `must be at least twice EVENTING_LOCK_MS (${2 * lockMs})`);
  return value;
}

/** Parses the eventing variables; `redis` is the connection the config plane parsed. Throws ConfigError naming the variable. */
export function parseEventingEnv(env: NodeJS.ProcessEnv, redis: RedisConnection): EventingEnv {
  const bullPrefix = env['EVENTING_BULL_PREFIX']?.trim() || 'bull';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(bullPrefix))
    throw new ConfigError(
      'EVENTING_BULL_PREFIX',
      "expected 1-64 of [A-Za-z0-9_.-] (no braces: Spaceport adds each partition's hash tag itself)",
    );
  const allowedCidrs = (env['WEBHOOK_ALLOWED_CIDRS'] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const lockMs = integer(env, 'EVENTING_LOCK_MS', 30_000, 1_000, 600_000);
  const commandTimeoutMs = integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 2_000, 50, 60_000);
  return {
    redis,
    bullPrefix,
    concurrency: integer(env, 'EVENTING_CONCURRENCY', 16, 1, 1000),
    lockMs,
    commandTimeoutMs,
    allowPrivate: boolean(env, 'WEBHOOK_ALLOW_PRIVATE'),
    allowedCidrs,
    maxResponseBytes: integer(env, 'WEBHOOK_MAX_RESPONSE_BYTES', 2_048, 0, 1_048_576),
    disableAfterFailures: integer(env, 'EVENTING_DISABLE_AFTER_FAILURES', 0, 0, 1_000_000),
    dlqMaxEntries: integer(env, 'EVENTING_DLQ_MAX_ENTRIES', 100_000, 0, 100_000_000),
    stallAfterMs: integer(env, 'EVENTING_STALL_AFTER_MS', DEFAULT_STALL_AFTER_MS, 1_000, 86_400_000),
    sentRetentionMs: sentRetention(env, lockMs),
    redisWait: parseRedisWait(env, commandTimeoutMs),
    followUpMaxDepth: integer(env, 'EVENTING_FOLLOW_UP_MAX_DEPTH', 5, 0, 100),
    syncMaxPending: integer(env, 'EVENTING_SYNC_MAX_PENDING', 1_000, 1, 1_000_000),
  };
}
