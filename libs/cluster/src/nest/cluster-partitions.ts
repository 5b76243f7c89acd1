import { Inject, Injectable, Optional } from '@nestjs/common';
import { readWithin, SPACEPORT_CONSUL_CLIENT, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConsulClient } from '@spaceport/consul-core';
import { type DataPlaneReading } from '@spaceport/eventing-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import {
  assignedPartitions,
  type ClusterStatus,
  type PartitionStatus,
  shapeClusterStatus,
  standalonePartitions,
  standaloneStatus,
} from '../cluster-status';
import { type ClusterStatusReader } from '../cluster-status-reader';

/** The data plane's reading of every partition (the gateway's `PartitionReader.readAll`). */
export type PartitionReadingsProvider = () => Promise<DataPlaneReading>;

/** Optional DI token of a `PartitionReadingsProvider`: adds the data-plane fields to the partitions. */
export const CLUSTER_PARTITION_READINGS = Symbol.for('spaceport:cluster-partition-readings');

/** The data plane's reading is waited for at most this long; past it the partitions come without it. */
export const PARTITION_READING_TIMEOUT_MS = 1_500;

/** `GET /v1/cluster` reads Consul and Redis at most once per this (4 times a second), however many ask. */
export const STATUS_CACHE_MS = 250;

/** Every partition judged against its expected consumer, with the reading it was judged on. */
export interface PartitionSurvey {
  readonly statuses: PartitionStatus[];
  readonly readings: DataPlaneReading;
}

/**
 * The partitions as the cluster sees them: who should consume each (the assignment in Consul, or in
 * standalone mode the one worker at epoch 1) against the data plane's reading (backlog, oldest due
 * waiting job, live consumer). Serves `GET /v1/cluster` and the gateway's partition metrics and
 * `backlog` readiness check.
 */
@Injectable()
export class ClusterPartitions {
  private reader: Promise<ClusterStatusReader> | undefined;
  private surveying: Promise<PartitionSurvey | undefined> | undefined;
  private statusRead: { readonly at: number; readonly body: Promise<ClusterStatus> } | undefined;

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_CONSUL_CLIENT) private readonly client: ConsulClient | null,
    @Optional() @Inject(CLUSTER_PARTITION_READINGS) private readonly readings?: PartitionReadingsProvider,
  ) {}

  /** Whether there is a data plane to survey. */
  get surveyed(): boolean {
    return this.readings !== undefined;
  }

  /**
   * The `GET /v1/cluster` body; rejects when Consul cannot be read (distributed mode). Concurrent and
   * repeated calls within STATUS_CACHE_MS share one read (a failed read is not kept).
   */
  status(): Promise<ClusterStatus> {
    const now = Date.now();
    if (this.statusRead && now - this.statusRead.at < STATUS_CACHE_MS) return this.statusRead.body;
    const body = this.statusNow();
    const read = { at: now, body };
    this.statusRead = read;
    body.catch(() => {
      if (this.statusRead === read) this.statusRead = undefined;
    });
    return body;
  }

  private async statusNow(): Promise<ClusterStatus> {
    const reader = this.consulReader();
    if (!reader) return standaloneStatus(this.node.clusterId, await this.readData());
    const [consul, readings] = await Promise.all([(await reader).read(), this.readData()]);
    return shapeClusterStatus({ clusterId: this.node.clusterId, ...consul, ...(readings ? { readings } : {}) });
  }

  /**
   * Every partition judged (one read at a time: concurrent callers share it); undefined when there is
   * no data plane, or it or Consul could not be read in time.
   */
  survey(): Promise<PartitionSurvey | undefined> {
    this.surveying ??= this.surveyNow().finally(() => (this.surveying = undefined));
    return this.surveying;
  }

  private async surveyNow(): Promise<PartitionSurvey | undefined> {
    const reader = this.consulReader();
    if (!reader) {
      const readings = await this.readData();
      return readings && { statuses: standalonePartitions(readings), readings };
    }
    const [assignment, readings] = await Promise.all([
      readWithin(PARTITION_READING_TIMEOUT_MS, async () => ({ document: await (await reader).readAssignment() })),
      this.readData(),
    ]);
    return assignment && readings && { statuses: assignedPartitions(assignment.document, readings), readings };
  }

  /** The data plane's reading, bounded; undefined without a data plane or when it failed. */
  private readData(): Promise<DataPlaneReading | undefined> {
    const readings = this.readings;
    return readings ? readWithin(PARTITION_READING_TIMEOUT_MS, readings) : Promise.resolve(undefined);
  }

  /** Distributed mode: the Consul reader, loaded on first use (it brings consul-core); standalone: undefined. */
  private consulReader(): Promise<ClusterStatusReader> | undefined {
    const { client, node } = this;
    if (!client || !node.enableConsul) return undefined;
    this.reader ??= import('../cluster-status-reader').then(
      ({ ClusterStatusReader }) =>
        new ClusterStatusReader({ client, clusterId: node.clusterId, serviceName: node.serviceName }),
    );
    return this.reader;
  }
}
