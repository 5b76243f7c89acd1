// Cluster status and the instance routes' answers (health, readiness).
import { ref } from '../body-schemas';
import { arrayOf, jsonObject, obj, type SchemaTable, str } from './shared';

const clusterMember = obj(
  {
    id: str('node id'),
    role: { type: 'string', nullable: true },
    address: str(),
    port: { type: 'integer' },
    node: str('Consul node'),
    health: { type: 'string', enum: ['passing', 'warning', 'critical'] },
  },
  ['id', 'role', 'address', 'port', 'node', 'health'],
);

export const CLUSTER_SCHEMAS: SchemaTable = {
  ClusterMember: clusterMember,
  ClusterStatus: obj(
    {
      mode: { type: 'string', enum: ['distributed', 'standalone'] },
      clusterId: str(),
      members: arrayOf(ref('ClusterMember')),
      leader: obj(
        {
          nodeId: { type: 'string', nullable: true },
          consulNode: { type: 'string', nullable: true },
          lockIndex: { type: 'integer' },
        },
        [],
        { nullable: true },
      ),
      generation: { type: 'integer', nullable: true },
      leaderLockIndex: { type: 'integer', nullable: true },
      partitionCount: { type: 'integer', nullable: true },
      updatedAt: { type: 'string', nullable: true },
      partitions: arrayOf(
        obj(
          {
            partition: { type: 'integer' },
            owner: { type: 'string', nullable: true },
            epoch: { type: 'integer' },
            pendingHandoffFrom: arrayOf({ type: 'string' }),
            backlog: {
              type: 'integer',
              description: 'jobs not yet being delivered: waiting, delayed, prioritized, paused (main + ordered queue)',
            },
            oldestWaitingMs: {
              type: 'integer',
              nullable: true,
              description: 'age of the oldest due waiting job (a delayed one since its due time); null: none due',
            },
            consumer: obj(
              {
                worker: str('node id of the worker whose live record says it consumes the partition'),
                epoch: { type: 'integer' },
                updatedAt: { type: 'string', format: 'date-time', description: 'last renewal (the worker clock)' },
                idleMs: { type: 'integer', description: 'at that renewal, how long its consumer had taken no job' },
              },
              ['worker', 'epoch', 'updatedAt', 'idleMs'],
              { nullable: true, description: 'null: no live consumer record' },
            ),
            consuming: {
              type: 'boolean',
              description: 'the owner (standalone: the worker) consumes it at the owner epoch',
            },
            stuck: { type: 'boolean', description: 'due jobs wait and nobody consumes it, or its consumer stalled' },
            stuckReason: { type: 'string', enum: ['not-consumed', 'stalled'], nullable: true },
          },
          ['partition', 'owner', 'epoch', 'pendingHandoffFrom'],
        ),
      ),
    },
    ['mode', 'clusterId', 'members', 'leader', 'generation', 'partitions'],
  ),
  Health: obj({ status: { type: 'string', enum: ['ok'] }, role: str(), nodeId: str(), mode: str() }, ['status'], {
    additionalProperties: true,
  }),
  Readiness: obj(
    {
      status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
      info: { ...jsonObject, description: 'with an admin token only' },
      error: { ...jsonObject, description: 'with an admin token only' },
      details: { ...jsonObject, description: 'with an admin token only' },
    },
    ['status'],
    { additionalProperties: true },
  ),
};
