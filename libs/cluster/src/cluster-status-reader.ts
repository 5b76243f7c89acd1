import { type ConsulClient, KvStore } from '@spaceport/consul-core';
import { DEFAULT_SERVICE_NAME } from '@spaceport/runtime-core';
import * as z from 'zod';
import { type AssignmentDocument } from './assignment-document';
import { readAssignment } from './cluster-kv';
import { type ClusterLeader, type ClusterMember, shapeMembers } from './cluster-status';
import { CLUSTER_KEYS } from './settings';

export interface ClusterStatusReaderOptions {
  client: ConsulClient;
  clusterId: string;
  serviceName?: string;
}

/** What Consul holds of the cluster: members (any health), the leader and the assignment. */
export interface ConsulClusterState {
  members: ClusterMember[];
  leader: ClusterLeader | null;
  assignment: AssignmentDocument | undefined;
}

const lockValueSchema = z.object({ nodeId: z.string() }).loose();
const sessionInfoSchema = z.array(z.object({ Node: z.string() })).nullish();

/** Reads members (any health), the leader and the assignment from Consul. */
export class ClusterStatusReader {
  private readonly kv: KvStore;

  constructor(private readonly options: ClusterStatusReaderOptions) {
    this.kv = new KvStore(options.client, { clusterId: options.clusterId });
  }

  async read(): Promise<ConsulClusterState> {
    const [members, leader, assignment] = await Promise.all([
      this.options.client.health.service({ service: this.options.serviceName ?? DEFAULT_SERVICE_NAME }),
      this.readLeader(),
      this.readAssignment(),
    ]);
    return { members: shapeMembers(members, this.options.clusterId), leader, assignment };
  }

  /** The assignment document alone (undefined when absent or unreadable). */
  async readAssignment(): Promise<AssignmentDocument | undefined> {
    return (await readAssignment(this.kv)).document;
  }

  private async readLeader(): Promise<ClusterLeader | null> {
    const entries = await this.kv.list(CLUSTER_KEYS.leader, lockValueSchema);
    const entry = entries.find((candidate) => candidate.key === CLUSTER_KEYS.leader);
    if (!entry) return null;
    if (!entry.session) return { nodeId: null, consulNode: null, lockIndex: entry.lockIndex };
    const info = sessionInfoSchema.safeParse(await this.options.client.session.info({ id: entry.session }));
    return {
      nodeId: entry.ok ? entry.value.nodeId : null,
      consulNode: info.success ? (info.data?.[0]?.Node ?? null) : null,
      lockIndex: entry.lockIndex,
    };
  }
}
