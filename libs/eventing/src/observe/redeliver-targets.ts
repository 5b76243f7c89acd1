import { type ConfigSnapshot } from '@spaceport/config-model';
import { lookupTarget, type UnsendableReason } from '../common/target-lookup';

export interface SkippedRedelivery {
  readonly trigger: string;
  readonly reason: UnsendableReason;
}

export interface RedeliverTargets {
  /** triggers the current config can send to */
  readonly sendable: string[];
  /** triggers it cannot (deleted, disabled in config, or the project is gone): left as they are */
  readonly skipped: SkippedRedelivery[];
}

/**
 * Splits an event's triggers into those a redelivery can reach now and those it cannot. A redelivery
 * to a trigger the worker would only dead-letter would overwrite the delivery's past status (e.g.
 * `processed`) with `cancelled`, so it is not queued at all: the API refuses or skips it instead.
 */
export function redeliverTargets(
  snapshot: ConfigSnapshot,
  project: string,
  triggers: readonly string[],
): RedeliverTargets {
  const sendable: string[] = [];
  const skipped: SkippedRedelivery[] = [];
  for (const trigger of triggers) {
    const found = lookupTarget(snapshot, { project, triggerId: trigger });
    if (found.kind === 'ok') sendable.push(trigger);
    else skipped.push({ trigger, reason: found.reason });
  }
  return { sendable, skipped };
}
