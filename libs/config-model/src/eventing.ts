import * as z from 'zod';

export const DEFAULT_PARTITION_COUNT = 32;
export const MAX_CONFIG_PARTITION_COUNT = 1024;
export const DEFAULT_RETRIES = 3;
export const MAX_RETRIES = 100;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const MAX_TIMEOUT_MS = 300_000;
export const DEFAULT_RETRY_BASE_DELAY_MS = 1_000;
export const DEFAULT_RETRY_MAX_DELAY_MS = 600_000;
const DAY_MS = 86_400_000;
export const DEFAULT_RETENTION_MAX_AGE_MS = 7 * DAY_MS;
export const DEFAULT_RETENTION_MAX_COUNT = 100_000;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Exponential backoff bounds (ms): attempt n waits about `min(maxDelayMs, baseDelayMs * 2^n)` with
 * jitter (the schedule itself is computed by the eventing core).
 */
export const retryScheduleSchema = z
  .object({
    baseDelayMs: int(1, DAY_MS).default(DEFAULT_RETRY_BASE_DELAY_MS),
    maxDelayMs: int(1, DAY_MS).default(DEFAULT_RETRY_MAX_DELAY_MS),
  })
  .strict()
  .refine((s) => s.baseDelayMs <= s.maxDelayMs, { message: 'must be at least baseDelayMs', path: ['maxDelayMs'] });
export type RetrySchedule = z.output<typeof retryScheduleSchema>;

export const retriesSchema = int(0, MAX_RETRIES);
export const timeoutMsSchema = int(1, MAX_TIMEOUT_MS);

/** Cluster-wide eventing settings: Consul key `config/eventing`. */
export const eventingSettingsSchema = z
  .object({
    /** fixed number of partitions events are hashed onto; changing it re-maps keys (ordering per key) */
    partitionCount: int(1, MAX_CONFIG_PARTITION_COUNT).default(DEFAULT_PARTITION_COUNT),
    /** used by triggers that leave `retries`, `timeout` or `retrySchedule` unset */
    defaults: z
      .object({
        retries: retriesSchema.default(DEFAULT_RETRIES),
        timeout: timeoutMsSchema.default(DEFAULT_TIMEOUT_MS),
        retrySchedule: retryScheduleSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    /** event and invocation logs are pruned past either bound, per project */
    retention: z
      .object({
        maxAgeMs: int(60_000, 3650 * DAY_MS).default(DEFAULT_RETENTION_MAX_AGE_MS),
        maxCount: int(1, 1_000_000_000).default(DEFAULT_RETENTION_MAX_COUNT),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type EventingSettings = z.output<typeof eventingSettingsSchema>;
export type EventingSettingsInput = z.input<typeof eventingSettingsSchema>;

/** The settings in force when `config/eventing` is absent. */
export function defaultEventingSettings(): EventingSettings {
  return eventingSettingsSchema.parse({});
}
