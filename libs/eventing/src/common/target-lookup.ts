import {
  type ConfigSnapshot,
  type EffectiveTrigger,
  getProject,
  getTrigger,
  type Project,
  resolveTrigger,
} from '@spaceport/config-model';
import { type DeliveryJobData } from './delivery-job';
import { type NotSentReason } from './eventing-metrics';

export interface EffectiveTarget {
  readonly kind: 'ok';
  readonly project: Project;
  readonly trigger: EffectiveTrigger;
}

/** Why the current config gives a queued delivery no target: its DLQ reason (docs/eventing.md "Statuses"). */
export type UnsendableReason = 'project deleted' | 'trigger deleted' | 'trigger disabled';

/** The `spaceport_deliveries_not_sent_total` reason of each. */
export const NOT_SENT_REASON_OF = {
  'project deleted': 'project-deleted',
  'trigger deleted': 'trigger-deleted',
  'trigger disabled': 'trigger-disabled',
} as const satisfies Record<UnsendableReason, NotSentReason>;

export type TargetLookup = EffectiveTarget | { readonly kind: 'cancelled'; readonly reason: UnsendableReason };

/** The project and effective trigger of a job from the current snapshot, or why it cannot be sent. */
export function lookupTarget(
  snapshot: ConfigSnapshot,
  job: Pick<DeliveryJobData, 'project' | 'triggerId'>,
): TargetLookup {
  const project = getProject(snapshot, job.project);
  if (!project) return { kind: 'cancelled', reason: 'project deleted' };
  const trigger = getTrigger(snapshot, job.project, job.triggerId);
  if (!trigger) return { kind: 'cancelled', reason: 'trigger deleted' };
  if (!trigger.value.enabled) return { kind: 'cancelled', reason: 'trigger disabled' };
  return { kind: 'ok', project: project.value, trigger: resolveTrigger(trigger.value, snapshot.eventing.value) };
}
