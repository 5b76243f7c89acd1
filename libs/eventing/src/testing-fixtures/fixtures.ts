import { type TriggerInput } from '@spaceport/config-model';
import { generateWebhookSecret } from '@spaceport/eventing-core';
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
