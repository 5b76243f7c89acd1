import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type ModuleMetadata,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  InstanceRegistration,
  readWithin,
  ReadinessRegistry,
  SPACEPORT_CONSUL_CLIENT,
  SPACEPORT_LOGGER,
  SPACEPORT_METRICS,
  SPACEPORT_NODE_OPTIONS,
} from '@spaceport/app-runtime';
import { type ConsulClient } from '@spaceport/consul-core';
import { abortableSleep, type NodeOptions, retryUntilAborted, START_UP_BACKOFF } from '@spaceport/runtime-core';
import { CONFIG_VIEW, type ConfigView } from '@spaceport/config-model';
import { type Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { assignmentReadiness, stuckAssignedPartitions } from '../assignment-readiness';
import { type AssignmentDocument, ownedPartitions } from '../assignment-document';
import { type ClusterEvent } from '../cluster-events';
import { type ClusterCoordinator } from '../cluster-coordinator';
import { type PartitionRunner, PARTITION_RUNNER } from '../partition-runner';
import { type ClusterSettings, resolveClusterSettings } from '../settings';

export interface ClusterCoordinatorModuleOptions {
  /**
   * P, fixed. When absent it follows the config mirror (`CONFIG_VIEW`, eventing settings): the leader
   * reads it at every assignment round, and a snapshot with another P starts a round at once.
   */
  partitionCount?: number;
  /** the CLUSTER_* variables the worker parsed with its settings (clusterSettingsFromEnv), or test overrides */
  settings?: Partial<ClusterSettings>;
  /** modules that export the PARTITION_RUNNER provider (the data plane) */
  imports?: ModuleMetadata['imports'];
}

const COORDINATOR_OPTIONS = Symbol.for('spaceport:cluster-coordinator-options');

/** A readiness probe waits at most this long for its partitions' reading (else it reports no `stuck`). */
const READINESS_READ_TIMEOUT_MS = 1_000;

/** Starts the coordinator once the instance registration is under way; stops it before deregistration. */
@Injectable()
export class ClusterCoordinatorService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private coordinator: ClusterCoordinator | undefined;
  private readonly stopped = new AbortController();
  private starting: Promise<void> | undefined;
  private unsubscribeConfig: (() => void) | undefined;

  constructor(
    @Inject(COORDINATOR_OPTIONS) private readonly moduleOptions: ClusterCoordinatorModuleOptions,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_CONSUL_CLIENT) private readonly client: ConsulClient | null,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    @Inject(PARTITION_RUNNER) private readonly runner: PartitionRunner,
    private readonly registration: InstanceRegistration,
    @Optional() @Inject(CONFIG_VIEW) private readonly configView: ConfigView | null,
    private readonly readiness: ReadinessRegistry,
    @Inject(SPACEPORT_METRICS) private readonly metrics: Registry,
  ) {}

  /**
   * `spaceport_cluster_leader` (1 while this worker leads; standalone: always 1, it assigns itself
   * everything) and, in distributed mode, the `partitions` check of `GET /readyz`.
   */
  onModuleInit(): void {
    const distributed = this.client !== null && this.node.enableConsul;
    const leads = (): boolean => !distributed || this.coordinator?.leader.isLeader === true;
    new Gauge({
      name: 'spaceport_cluster_leader',
      help: '1 while this worker is the elected assignment leader (standalone: 1)',
      registers: [this.metrics],
      collect() {
        this.set(leads() ? 1 : 0);
      },
    });
    if (!distributed) return;
    this.readiness.register('partitions', async (session) => {
      const view = this.coordinator?.follower.view();
      const readiness = assignmentReadiness(this.node.nodeId, view);
      const stuck = await this.stuckAssigned(view?.document);
      const details = { ...readiness.details, leader: leads(), ...(stuck ? { stuck } : {}) };
      return readiness.ready ? session.up(details) : session.down({ message: readiness.message, ...details });
    });
  }

  /** Its assigned partitions the stuck rule flags (a readiness detail); undefined when not read in time. */
  private async stuckAssigned(document: AssignmentDocument | undefined): Promise<number[] | undefined> {
    const read = this.runner.readPartitions?.bind(this.runner);
    if (!document || !read) return undefined;
    const partitions = [...ownedPartitions(document, this.node.nodeId).keys()];
    const reading = await readWithin(READINESS_READ_TIMEOUT_MS, () => read(partitions));
    return reading && stuckAssignedPartitions(this.node.nodeId, document, reading);
  }

  onApplicationBootstrap(): void {
    // Standalone mode: no coordinator (the worker owns every partition).
    if (!this.client || !this.node.enableConsul) return;
    // The CLUSTER_* variables were validated with the app's settings (clusterSettingsFromEnv).
    const settings = resolveClusterSettings({ checkTtlMs: this.node.checkTtlMs, ...this.moduleOptions.settings });
    this.starting = this.startWhenRegistered(this.client, settings);
  }

  /** Runs before the registration's beforeApplicationShutdown: partitions stop while still registered. */
  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    await this.starting;
    this.unsubscribeConfig?.();
    await this.coordinator?.stop();
  }

  private async startWhenRegistered(client: ConsulClient, settings: ClusterSettings): Promise<void> {
    // The bootstrap registers the instance after `listen`; wait for it (not when --no-register).
    while (this.node.register && this.registration.checkId === undefined && !this.stopped.signal.aborted) {
      await abortableSleep(100, this.stopped.signal);
    }
    const partitionCount = await this.partitionCount();
    if (this.stopped.signal.aborted || partitionCount === undefined) return;
    // Loaded here, in distributed mode only: the coordinator's leader and follower bring consul-core.
    const { ClusterCoordinator } = await import('../cluster-coordinator');
    if (this.stopped.signal.aborted) return;
    this.coordinator = new ClusterCoordinator({
      client,
      nodeId: this.node.nodeId,
      clusterId: this.node.clusterId,
      serviceName: this.node.serviceName,
      partitionCount,
      partitionsToAssign: () => this.partitionsToAssign(),
      settings,
      runner: this.runner,
      serviceCheckId: this.registration.checkId,
      onEvent: (event) => this.log(event),
    }).start();
    this.followConfiguredCount();
  }

  /**
   * A config snapshot with another P makes the leader assign at once (the gateway publishes into the new
   * count as soon as its own mirror has it); followers start whatever the new assignment gives them.
   */
  private followConfiguredCount(): void {
    if (this.moduleOptions.partitionCount !== undefined || !this.configView) return;
    let last = this.configView.current()?.eventing.value.partitionCount;
    this.unsubscribeConfig = this.configView.onChange((snapshot) => {
      const next = snapshot.eventing.value.partitionCount;
      if (next === last) return;
      this.logger.info({ from: last, to: next }, 'partition count changed; reassigning');
      last = next;
      this.coordinator?.leader.partitionCountChanged();
    });
  }

  /** The leader's count for a round: P as mirrored now, widened by the runner (Redis: the high water). */
  private async partitionsToAssign(): Promise<number> {
    const configured = this.moduleOptions.partitionCount ?? this.configView?.current()?.eventing.value.partitionCount;
    if (configured === undefined) throw new Error('no config snapshot to read the partition count from');
    return (await this.runner.partitionsToConsume?.(configured)) ?? configured;
  }

  /**
   * The first count: P from the module options, else from the first mirrored config snapshot, widened by
   * the runner to partitions that may still hold jobs (undefined once stopped). Later rounds read it again.
   */
  private async partitionCount(): Promise<number | undefined> {
    const configured = await this.configuredPartitionCount();
    const widen = this.runner.partitionsToConsume?.bind(this.runner);
    if (configured === undefined || !widen) return configured;
    return retryUntilAborted(
      () => widen(configured),
      this.stopped.signal,
      (error, attempt, delayMs) => {
        this.logger.warn(
          { err: { message: (error as Error).message }, attempt, retryInMs: delayMs },
          'cannot read the partitions to consume yet',
        );
      },
      START_UP_BACKOFF,
    );
  }

  private async configuredPartitionCount(): Promise<number | undefined> {
    if (this.moduleOptions.partitionCount !== undefined) return this.moduleOptions.partitionCount;
    if (!this.configView) throw new Error('ClusterCoordinatorModule needs partitionCount or a CONFIG_VIEW provider');
    // An abort listener added after the abort never runs: check first.
    if (this.stopped.signal.aborted) return undefined;
    const stopped = new Promise<undefined>((resolve) =>
      this.stopped.signal.addEventListener('abort', () => resolve(undefined), { once: true }),
    );
    const snapshot = await Promise.race([this.configView.ready(), stopped]);
    return snapshot?.eventing.value.partitionCount;
  }

  private log(event: ClusterEvent): void {
    if (event.type === 'error') this.logger.warn(event, 'cluster coordination call failed');
    else if (event.type === 'assigned')
      this.logger.info(
        { generation: event.document.generation, partitionCount: event.document.partitionCount, moves: event.moves },
        'assignment written',
      );
    else this.logger.info(event, `cluster ${event.type}`);
  }
}

/** The event worker's coordinator; needs a PARTITION_RUNNER provider from `imports`. */
@Module({})
export class ClusterCoordinatorModule {
  static register(options: ClusterCoordinatorModuleOptions): DynamicModule {
    return {
      module: ClusterCoordinatorModule,
      imports: options.imports ?? [],
      providers: [{ provide: COORDINATOR_OPTIONS, useValue: options }, ClusterCoordinatorService],
    };
  }
}
