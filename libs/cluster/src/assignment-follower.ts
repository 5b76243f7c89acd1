import {
  type BlockingQuery,
  KvStore,
  toHealthyInstances,
  watchHealthyService,
  watchKeyPrefix,
} from '@spaceport/consul-core';
import { abortableSleep, DEFAULT_SERVICE_NAME } from '@spaceport/runtime-core';
import { type AssignmentDocument, assignmentDocumentSchema, ownedPartitions } from './assignment-document';
import { type ClusterNodeOptions } from './assignment-leader';
import { type AssignmentView } from './assignment-readiness';
import { type ClusterEvent, errorText } from './cluster-events';
import { acksFromEntries, clusterMemberIds } from './cluster-kv';
import { type FollowerPlan, pendingKey, planFollowerStep } from './follower-plan';
import { type PartitionRunner } from './partition-runner';
import { CLUSTER_KEYS, EVENT_WORKER_TAG } from './settings';

export interface AssignmentFollowerOptions extends ClusterNodeOptions {
  runner: PartitionRunner;
}

const RETRY_MS = 500;

/**
 * A worker's side of the assignment: watches `assignment`, `acks/` and the healthy workers, stops
 * revoked partitions, acks the generation, and starts gained partitions once their previous owners
 * released them (ack, left the healthy set, or handoff timeout). Runner calls are serialized.
 */
export class AssignmentFollower {
  private readonly kv: KvStore;
  private readonly controller = new AbortController();
  private readonly watches: Array<Pick<BlockingQuery<unknown>, 'stop'>> = [];
  private readonly running = new Map<number, number>();
  private pendingSince = new Map<string, number>();
  private document: AssignmentDocument | undefined;
  private acks = new Map<string, number>();
  private healthy = new Set<string>();
  private lastHealthyProofAt = Number.NEGATIVE_INFINITY;
  private lastAcked = -1;
  private ownershipWasValid = false;
  private stepping: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private probeLoop: Promise<void> | undefined;

  constructor(private readonly options: AssignmentFollowerOptions) {
    this.kv = new KvStore(options.client, { clusterId: options.clusterId });
  }

  /** partition → epoch of what this worker runs now */
  get runningPartitions(): ReadonlyMap<number, number> {
    return this.running;
  }

  /**
   * Whether this worker runs `partition` at `epoch` as the current assignment gives it, with its
   * ownership proven (healthy in Consul within the lease): what entitles it to re-establish an epoch
   * Redis lost. A worker paused or cut off for longer than the ownership lease fails the proof.
   */
  owns(partition: number, epoch: number, now = Date.now()): boolean {
    if (this.running.get(partition) !== epoch || !this.ownershipValid(now) || !this.document) return false;
    return ownedPartitions(this.document, this.options.nodeId).get(partition) === epoch;
  }

  /**
   * The runner stopped `partition` by itself (a fence): it no longer runs, so readiness stops counting
   * it, and the next step starts it again if the assignment still gives it to this worker.
   */
  runnerStopped(partition: number): void {
    if (!this.running.delete(partition)) return;
    this.emit({ type: 'partition-stopped', nodeId: this.options.nodeId, partition, reason: 'fenced' });
    this.kick();
  }

  /** What it knows of its assignment now (readiness). */
  view(now = Date.now()): AssignmentView {
    return {
      document: this.document,
      healthyMembers: this.healthy.size,
      ownershipValid: this.ownershipValid(now),
      running: this.running.size,
    };
  }

  start(): this {
    const signal = this.controller.signal;
    const onError = (where: string) => (error: unknown) =>
      this.emit({ type: 'error', nodeId: this.options.nodeId, where, message: errorText(error) });
    const assignment = watchKeyPrefix(
      this.options.client,
      this.kv.fullKey(CLUSTER_KEYS.assignment),
      (entries) => {
        const entry = this.kv
          .decodeEntries(entries, assignmentDocumentSchema)
          .find((e) => e.key === CLUSTER_KEYS.assignment);
        if (entry?.ok) this.document = entry.value;
        this.kick();
      },
      { signal },
    );
    const acks = watchKeyPrefix(
      this.options.client,
      this.kv.fullKey(CLUSTER_KEYS.acksPrefix),
      (entries) => {
        this.acks = acksFromEntries(this.kv.decodeEntries(entries));
        this.kick();
      },
      { signal },
    );
    const members = watchHealthyService(this.options.client, this.serviceName, {
      tag: EVENT_WORKER_TAG,
      signal,
      onChange: (instances) => this.updateHealthy(clusterMemberIds(instances, this.options.clusterId)),
    });
    assignment.on('error', onError('assignment-watch'));
    acks.on('error', onError('acks-watch'));
    members.on('error', onError('members-watch'));
    this.watches.push(assignment, acks, members);
    this.probeLoop = this.probe(signal);
    return this;
  }

  /** Graceful: no new step, every running partition stopped (cooperative), no timer left. */
  async stop(): Promise<void> {
    this.controller.abort();
    clearTimeout(this.timer);
    await Promise.all([...this.watches.map((watch) => watch.stop()), this.probeLoop]);
    await this.stepping;
    await this.stopPartitions([...this.running.keys()]);
  }

  private get serviceName(): string {
    return this.options.serviceName ?? DEFAULT_SERVICE_NAME;
  }

  private emit(event: ClusterEvent): void {
    this.options.onEvent?.(event);
  }

  private updateHealthy(ids: string[]): void {
    this.healthy = new Set(ids);
    this.lastHealthyProofAt = Date.now();
    this.kick();
  }

  /** Proves, every probe interval, that Consul answers and lists this worker as healthy. */
  private async probe(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        // `timeout` goes through to papi although the typings do not declare it (a variable skips the excess-property check).
        const call = {
          service: this.serviceName,
          passing: true,
          tag: EVENT_WORKER_TAG,
          timeout: this.options.settings.ownershipProbeMs * 2,
        };
        const body: unknown = await this.options.client.health.service(call);
        if (!signal.aborted) this.updateHealthy(clusterMemberIds(toHealthyInstances(body), this.options.clusterId));
      } catch (error) {
        if (signal.aborted) return;
        this.emit({ type: 'error', nodeId: this.options.nodeId, where: 'ownership-probe', message: errorText(error) });
        this.kick();
      }
      await abortableSleep(this.options.settings.ownershipProbeMs, signal);
    }
  }

  private ownershipValid(now: number): boolean {
    return (
      this.healthy.has(this.options.nodeId) && now - this.lastHealthyProofAt < this.options.settings.ownershipLeaseMs
    );
  }

  /** Runs one more step after the current one (steps never overlap). */
  private kick(): void {
    if (this.controller.signal.aborted) return;
    if (this.stepping) {
      this.again = true;
      return;
    }
    this.stepping = this.runSteps().finally(() => (this.stepping = undefined));
  }

  private async runSteps(): Promise<void> {
    do {
      this.again = false;
      await this.step();
    } while (this.again && !this.controller.signal.aborted);
  }

  private async step(): Promise<void> {
    const now = Date.now();
    const ownershipValid = this.ownershipValid(now);
    if (ownershipValid !== this.ownershipWasValid) {
      this.ownershipWasValid = ownershipValid;
      this.emit({ type: 'ownership', nodeId: this.options.nodeId, valid: ownershipValid });
    }
    const plan = planFollowerStep({
      self: this.options.nodeId,
      document: this.document,
      running: this.running,
      acks: this.acks,
      healthy: this.healthy,
      ownershipValid,
      pendingSince: this.pendingSince,
      now,
      handoffTimeoutMs: this.options.settings.handoffTimeoutMs,
    });
    this.rememberPending(plan, now);
    await this.stopPartitions(plan.stop);
    if (!ownershipValid) this.lastAcked = -1;
    const acked = await this.ack(plan.ack);
    const started = await this.startPartitions(plan);
    this.armTimer(plan, now, acked && started);
  }

  private rememberPending(plan: FollowerPlan, now: number): void {
    const next = new Map<string, number>();
    for (const step of [...plan.start, ...plan.waiting]) {
      const key = pendingKey(step.partition, step.epoch);
      next.set(key, this.pendingSince.get(key) ?? now);
    }
    this.pendingSince = next;
  }

  private async stopPartitions(partitions: readonly number[]): Promise<void> {
    await Promise.all(
      partitions.map(async (partition) => {
        try {
          await this.options.runner.stop(partition);
        } catch (error) {
          this.emit({
            type: 'error',
            nodeId: this.options.nodeId,
            where: `runner.stop(${partition})`,
            message: errorText(error),
          });
        }
        this.running.delete(partition);
        this.emit({ type: 'partition-stopped', nodeId: this.options.nodeId, partition });
      }),
    );
  }

  /** Writes acks/<nodeId> = generation once everything it revoked has stopped; false when it failed. */
  private async ack(generation: number | undefined): Promise<boolean> {
    if (generation === undefined || generation <= this.lastAcked || this.controller.signal.aborted) return true;
    try {
      await this.kv.put(CLUSTER_KEYS.ack(this.options.nodeId), generation);
      this.lastAcked = generation;
      this.emit({ type: 'acked', nodeId: this.options.nodeId, generation });
      return true;
    } catch (error) {
      this.emit({ type: 'error', nodeId: this.options.nodeId, where: 'ack', message: errorText(error) });
      return false;
    }
  }

  /** Starts the partitions whose handoff completed; false when a start failed (retried soon). */
  private async startPartitions(plan: FollowerPlan): Promise<boolean> {
    const results = await Promise.all(
      plan.start.map(async ({ partition, epoch, reason }) => {
        if (this.controller.signal.aborted) return true;
        try {
          await this.options.runner.start(partition, epoch);
          this.running.set(partition, epoch);
          this.emit({ type: 'partition-started', nodeId: this.options.nodeId, partition, epoch, reason });
          return true;
        } catch (error) {
          this.emit({
            type: 'error',
            nodeId: this.options.nodeId,
            where: `runner.start(${partition})`,
            message: errorText(error),
          });
          return false;
        }
      }),
    );
    return results.every(Boolean);
  }

  /** Wakes up for the earliest handoff timeout, and retries soon after a failure. */
  private armTimer(plan: FollowerPlan, now: number, succeeded: boolean): void {
    clearTimeout(this.timer);
    const deadlines = plan.waiting.map((waiting) => waiting.deadline - now);
    if (!succeeded) deadlines.push(RETRY_MS);
    if (this.ownershipWasValid) deadlines.push(this.lastHealthyProofAt + this.options.settings.ownershipLeaseMs - now);
    if (deadlines.length === 0 || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => this.kick(), Math.max(10, Math.min(...deadlines)));
  }
}
