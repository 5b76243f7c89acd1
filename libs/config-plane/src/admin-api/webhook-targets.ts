import { lookup } from 'node:dns/promises';
import { settingsToken } from '@spaceport/app-runtime';
import {
  type HostResolver,
  refusedWebhookTarget,
  type SsrfPolicy,
  ssrfPolicy,
  type SsrfPolicyOptions,
} from '@spaceport/eventing-core';

/**
 * DI token of the SSRF guard's settings (`WEBHOOK_ALLOW_PRIVATE`, `WEBHOOK_ALLOWED_CIDRS`) for the config
 * API's check of trigger URLs; the gateway provides the values its eventing section parsed. Without it
 * (a test app) the config API does not check targets; the delivery-time check stays either way.
 */
export const WEBHOOK_TARGET_POLICY = settingsToken<SsrfPolicyOptions>('spaceport:webhook-target-policy');

/** How long the config API waits for a trigger host's DNS answer (then the host passes, see below). */
export const TARGET_LOOKUP_TIMEOUT_MS = 2_000;

/** Every address `host` resolves to (the system resolver, as the worker's connections use), bounded in time. */
export const systemResolver: HostResolver = async (host) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<readonly string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), TARGET_LOOKUP_TIMEOUT_MS);
  });
  try {
    const answer = lookup(host, { all: true }).then((entries) => entries.map((entry) => entry.address));
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** The config-time SSRF check of trigger URLs (eventing-core's guard, with DNS). */
export class WebhookTargetCheck {
  private readonly policy: SsrfPolicy;

  constructor(
    options: SsrfPolicyOptions,
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.policy = ssrfPolicy(options);
  }

  /** The refusal's message (naming the address) when `url` may not be a webhook target; undefined when it may. */
  async refusal(url: string): Promise<string | undefined> {
    return (await refusedWebhookTarget(url, this.policy, this.resolve))?.message;
  }
}
