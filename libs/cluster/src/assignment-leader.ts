import {
  type BlockingQuery,
  type ConsulClient,
  type HealthyInstance,
  KvStore,
  LeaderElection,
  watchHealthyService,
} from '@spaceport/consul-core';
import { DEFAULT_SERVICE_NAME } from '@spaceport/runtime-core';
import { planAssignment } from './assignment-document';
import { type ClusterEventListener, errorText } from './cluster-events';
import { clusterMemberIds, readAcks, readAssignment } from './cluster-kv';
import { CLUSTER_KEYS, type ClusterSettings, EVENT_WORKER_TAG } from './settings';

export interface ClusterNodeOptions {
  client: ConsulClient;
  nodeId: string;
  clusterId: string;
  /** Consul service the instances register under, default {@link DEFAULT_SERVICE_NAME} */
  serviceName?: string;
  /** P to assign; with `partitionsToAssign`, only until its first read succeeds */
  partitionCount: number;
  settings: ClusterSettings;
  onEvent?: ClusterEventListener;
}

export interface AssignmentLeaderOptions extends ClusterNodeOptions {
  /** the instance's TTL check: the leader session is tied to it and serfHealth */
  serviceCheckId?: string;
  /** the highest partition epoch in Redis (PartitionRunner.highestEpoch): generations go above it */
  highestEpoch?: (partitionCount: number) => Promise<number>;
  /**
   * The partition count to assign now, read at every round: the configured P as the config mirror holds
   * it, widened to the partition high water. Absent: `partitionCount`, fixed. A failed read keeps the last.
   */
  partitionsToAssign?: () => Promise<number>;
}

/** One term of leadership: everything it started ends with its controller. */
interface Term {
  lockIndex: number;
  sessionId: string;
  controller: AbortController;
  watch: BlockingQuery<HealthyInstance[]> | undefined;
  members: string[] | undefined;
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
  dirty: boolean;
}

const MAX_CAS_RETRIES = 5;
const ERROR_RETRY_MS = 500;
/** How often a leader re-reads the assignment, the acks and the highest epoch without a membership change. */
const REASSESS_MS = 5_000;

/**
 * The Consul-elected assigner. While it leads (`spaceport/<cluster>/leader`) it watches the healthy
 * `role:event-worker` members of its cluster and writes `assignment` in one transaction that checks
 * its session still holds `leader` and CASes the previous ModifyIndex. On `lost` the term is aborted
 * synchronously, before anything else happens.
 */
export class AssignmentLeader {
  readonly election: LeaderElection;
  private readonly kv: KvStore;
  private term: Term | undefined;
  /** the count of the last successful read (partitionsToAssign), else the fixed one */
  private partitionCount: number;

  constructor(private readonly options: AssignmentLeaderOptions) {
    this.partitionCount = options.partitionCount;
    this.kv = new KvStore(options.client, { clusterId: options.clusterId });
    this.election = new LeaderElection({
      client: options.client,
      key: this.kv.fullKey(CLUSTER_KEYS.leader),
      nodeId: options.nodeId,
      serviceCheckId: options.serviceCheckId,
      sessionTtlMs: options.settings.sessionTtlMs,
      lockDelayMs: options.settings.lockDelayMs,
      backoff: { initialMs: 100, maxMs: 2_000 },
    });
    this.election.on('elected', (lockIndex) => this.beginTerm(lockIndex));
    this.election.on('lost', (reason) => {
      this.endTerm();
      this.emit({ type: 'lost', nodeId: options.nodeId, reason });
    });
    this.election.on('error', (error) =>
      this.emit({ type: 'error', nodeId: options.nodeId, where: 'election', message: errorText(error) }),
    );
  }

  get isLeader(): boolean {
    return this.term !== undefined && this.election.isLeader;
  }

  start(): this {
    this.election.start();
    return this;
  }

  /**
   * The partition count may have changed (a new config snapshot): while leading, run an assignment round
   * now rather than at the next membership change or periodic check. A no-op on a follower.
   */
  partitionCountChanged(): void {
    const term = this.term;
    if (term && this.live(term)) void this.reconcile(term);
  }

  async stop(): Promise<void> {
    this.endTerm();
    await this.election.stop();
  }

  private emit(event: Parameters<ClusterEventListener>[0]): void {
    this.options.onEvent?.(event);
  }

  private beginTerm(lockIndex: number): void {
    const sessionId = this.election.sessionId;
    if (sessionId === undefined) return;
    this.endTerm();
    const term: Term = {
      lockIndex,
      sessionId,
      controller: new AbortController(),
      watch: undefined,
      members: undefined,
      timer: undefined,
      busy: false,
      dirty: false,
    };
    this.term = term;
    this.emit({ type: 'elected', nodeId: this.options.nodeId, lockIndex });
    term.watch = watchHealthyService(this.options.client, this.options.serviceName ?? DEFAULT_SERVICE_NAME, {
      tag: EVENT_WORKER_TAG,
      signal: term.controller.signal,
      onChange: (instances) => {
        const first = term.members === undefined;
        term.members = clusterMemberIds(instances, this.options.clusterId);
        this.schedule(term, first ? 0 : this.options.settings.membershipDebounceMs);
      },
    });
    term.watch.on('error', (error) =>
      this.emit({ type: 'error', nodeId: this.options.nodeId, where: 'members-watch', message: errorText(error) }),
    );
    // Also without a membership change: an assignment deleted or rolled back in Consul, or epochs in Redis
    // ahead of it, are rewritten within this period (planAssignment changes nothing otherwise).
    const reassess = setInterval(() => {
      if (this.live(term)) void this.reconcile(term);
    }, REASSESS_MS);
    reassess.unref();
    term.controller.signal.addEventListener('abort', () => clearInterval(reassess), { once: true });
  }

  /** Stops acting as leader: no timer, no watch, no write of this term after this returns. */
  private endTerm(): void {
    const term = this.term;
    if (!term) return;
    this.term = undefined;
    term.controller.abort();
    clearTimeout(term.timer);
    void term.watch?.stop();
  }

  private live(term: Term): boolean {
    return this.term === term && !term.controller.signal.aborted && this.election.isLeader;
  }

  private schedule(term: Term, delayMs: number): void {
    if (!this.live(term)) return;
    clearTimeout(term.timer);
    term.timer = setTimeout(() => void this.reconcile(term), delayMs);
  }

  /** Serialized: a change arriving while a write is in flight runs one more round afterwards. */
  private async reconcile(term: Term): Promise<void> {
    if (term.busy) {
      term.dirty = true;
      return;
    }
    term.busy = true;
    try {
      for (let round = 0; round < MAX_CAS_RETRIES && this.live(term); round += 1) {
        term.dirty = false;
        const outcome = await this.writeOnce(term);
        if (outcome === 'retry-later') this.schedule(term, ERROR_RETRY_MS);
        if (outcome !== 'stale' && !term.dirty) break;
      }
    } finally {
      term.busy = false;
    }
  }

  /** The count to assign this round; the last one read when the read fails (Redis down), reported as an error. */
  private async readPartitionCount(): Promise<number> {
    const read = this.options.partitionsToAssign;
    if (!read) return this.partitionCount;
    try {
      this.partitionCount = await read();
    } catch (error) {
      this.emit({ type: 'error', nodeId: this.options.nodeId, where: 'partition-count', message: errorText(error) });
    }
    return this.partitionCount;
  }

  /** 0 when the data plane cannot say (Redis down): the stored generation alone, reported as an error. */
  private async highestEpoch(partitionCount: number): Promise<number> {
    try {
      return (await this.options.highestEpoch?.(partitionCount)) ?? 0;
    } catch (error) {
      this.emit({ type: 'error', nodeId: this.options.nodeId, where: 'highest-epoch', message: errorText(error) });
      return 0;
    }
  }

  private async writeOnce(term: Term): Promise<'done' | 'stale' | 'refused' | 'retry-later'> {
    const members = term.members;
    if (members === undefined) return 'done';
    try {
      const partitionCount = await this.readPartitionCount();
      const [stored, acks, highestEpoch] = await Promise.all([
        readAssignment(this.kv),
        readAcks(this.kv),
        this.highestEpoch(partitionCount),
      ]);
      const plan = planAssignment({
        highestEpoch,
        previous: stored.document,
        members,
        partitionCount,
        leaderId: this.options.nodeId,
        leaderLockIndex: term.lockIndex,
        acks,
        now: new Date(),
      });
      if (!plan.changed || !this.live(term)) return 'done';
      const result = await this.kv.fencedWrite({
        lockKey: CLUSTER_KEYS.leader,
        session: term.sessionId,
        key: CLUSTER_KEYS.assignment,
        value: plan.document,
        cas: stored.modifyIndex,
      });
      if (result.ok) {
        this.emit({ type: 'assigned', nodeId: this.options.nodeId, document: plan.document, moves: plan.moves });
        return 'done';
      }
      this.emit({ type: 'write-refused', nodeId: this.options.nodeId, reason: result.reason });
      return result.reason === 'stale-index' ? 'stale' : 'refused';
    } catch (error) {
      this.emit({ type: 'error', nodeId: this.options.nodeId, where: 'assignment-write', message: errorText(error) });
      return 'retry-later';
    }
  }
}
