import { type AssignmentDocument, type Handoff, ownedPartitions } from './assignment-document';

/** What a worker knows when it decides what to run. */
export interface FollowerView {
  self: string;
  document: AssignmentDocument | undefined;
  /** partition → epoch it was started with */
  running: ReadonlyMap<number, number>;
  /** last acked generation per node */
  acks: ReadonlyMap<string, number>;
  /** healthy event-worker ids */
  healthy: ReadonlySet<string>;
  /** false: this worker cannot prove it is a healthy member (check critical, Consul unreachable) */
  ownershipValid: boolean;
  /** `${partition}@${epoch}` → when this worker first saw that start pending */
  pendingSince: ReadonlyMap<string, number>;
  now: number;
  handoffTimeoutMs: number;
}

export type GateReason = 'no-previous-owner' | 'acked' | 'left' | 'timeout';

export interface StartStep {
  partition: number;
  epoch: number;
  reason: GateReason;
}

export interface WaitingStep {
  partition: number;
  epoch: number;
  /** previous owners that have neither acked nor left */
  blockers: string[];
  /** when the handoff timeout lets it start anyway */
  deadline: number;
}

export interface FollowerPlan {
  /** running partitions to stop first (revoked, or re-granted at a newer epoch) */
  stop: number[];
  /** generation to ack once the stops resolved; undefined = nothing to ack */
  ack: number | undefined;
  start: StartStep[];
  waiting: WaitingStep[];
}

export const pendingKey = (partition: number, epoch: number): string => `${partition}@${epoch}`;

/** Pure: has every previous owner of a partition released it, from this worker's point of view? */
export function handoffGate(
  handoffs: readonly Handoff[],
  view: Pick<FollowerView, 'self' | 'acks' | 'healthy'>,
): { blockers: string[]; reason: Exclude<GateReason, 'timeout'> } {
  const others = handoffs.filter((handoff) => handoff.from !== view.self);
  if (others.length === 0) return { blockers: [], reason: 'no-previous-owner' };
  const blockers = others
    .filter((handoff) => view.healthy.has(handoff.from) && (view.acks.get(handoff.from) ?? -1) < handoff.revokedAt)
    .map((handoff) => handoff.from);
  const anyAcked = others.some((handoff) => (view.acks.get(handoff.from) ?? -1) >= handoff.revokedAt);
  return { blockers: [...new Set(blockers)], reason: anyAcked ? 'acked' : 'left' };
}

/**
 * Pure: the next step of a worker. Stop what the document no longer gives it (or gives at a newer
 * epoch: it lost and regained the partition while not looking), ack the generation, and start each
 * gained partition once its previous owners acked the revoking generation, left the healthy set, or
 * the handoff timeout passed. A worker that cannot prove its membership stops everything, acks nothing.
 */
export function planFollowerStep(view: FollowerView): FollowerPlan {
  const { document, running } = view;
  if (!view.ownershipValid || document === undefined) {
    return {
      stop: view.ownershipValid ? [] : [...running.keys()].sort((a, b) => a - b),
      ack: undefined,
      start: [],
      waiting: [],
    };
  }
  const owned = ownedPartitions(document, view.self);
  const stop = [...running]
    .filter(([partition, epoch]) => owned.get(partition) !== epoch)
    .map(([partition]) => partition);
  const start: StartStep[] = [];
  const waiting: WaitingStep[] = [];
  for (const [partition, epoch] of owned) {
    if (running.get(partition) === epoch) continue;
    const gate = handoffGate(document.handoffs[String(partition)] ?? [], view);
    const since = view.pendingSince.get(pendingKey(partition, epoch)) ?? view.now;
    const deadline = since + view.handoffTimeoutMs;
    if (gate.blockers.length === 0) start.push({ partition, epoch, reason: gate.reason });
    else if (view.now >= deadline) start.push({ partition, epoch, reason: 'timeout' });
    else waiting.push({ partition, epoch, blockers: gate.blockers, deadline });
  }
  return { stop: stop.sort((a, b) => a - b), ack: document.generation, start, waiting };
}
