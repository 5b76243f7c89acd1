import { type TriggerInput } from '@spaceport/config-model';
import { generateWebhookSecret, partitionOf } from '@spaceport/eventing-core';
import { type SnapshotSpec } from './snapshot';

export const TOKEN = 'test-token-0123456789abcdefghij';
export const SECRETS = [generateWebhookSecret(), generateWebhookSecret()];

/** Project `shop` with the given triggers; fast retries (50..200 ms) and 4 partitions. */
export function shopSpec(triggers: Record<string, TriggerInput>, maxPayloadBytes = 4096): SnapshotSpec {
  return {
    eventing: {
      partitionCount: 4,
      defaults: { retries: 3, timeout: 2000, retrySchedule: { baseDelayMs: 50, maxDelayMs: 200 } },
    },
    projects: {
      shop: {
        project: { name: 'Shop', secrets: { webhook: SECRETS, apiTokens: [TOKEN] }, settings: { maxPayloadBytes } },
        triggers,
      },
    },
  };
}

/** A partition key of project `shop` that lands in `partition` of `partitions`. */
export function keyInPartition(partition: number, partitions: number): string {
  for (let i = 0; i < 100_000; i += 1) if (partitionOf('shop', `k${i}`, partitions) === partition) return `k${i}`;
  throw new Error(`no key of 100000 lands in partition ${partition} of ${partitions}`);
}
