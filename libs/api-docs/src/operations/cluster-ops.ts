// Cluster status (`GET /v1/cluster`, admin token) and the instance routes every app has (health,
// readiness, metrics; no token).
import { apiError, ADMIN_READ_ERRORS, type OperationTable } from './shared';

export const CLUSTER_OPERATIONS: OperationTable = {
  'GET /v1/cluster': {
    tag: 'cluster',
    auth: 'admin',
    summary: 'Members, leader, partition owners, backlogs and stuck partitions',
    description:
      'Admin token (full or read-only). Distributed mode reads Consul; standalone mode answers `mode: standalone` with no members. Per partition the data plane adds its backlog, oldest due waiting job, live consumer and whether it is stuck (absent when Redis could not be read in time). Read at most 4 times a second however many ask: an answer may be 250 ms old.',
    responses: {
      200: { description: 'the cluster as Consul and Redis show it', schema: 'ClusterStatus' },
      401: ADMIN_READ_ERRORS[401]!,
      503: apiError('Consul unreachable'),
    },
  },
  'GET /healthz': {
    tag: 'operations',
    auth: 'none',
    summary: 'Liveness',
    responses: { 200: { description: 'the process runs', schema: 'Health' } },
  },
  'GET /readyz': {
    tag: 'operations',
    auth: 'none',
    summary: 'Readiness (config held, Redis, Consul)',
    description:
      'Without a token: `{status}` only. With an admin token (full or read-only): every check with its details (`info`, `error`, `details`).',
    responses: {
      200: { description: 'every check is up', schema: 'Readiness' },
      503: { description: 'a check is down (`error` names it, with a token), or shutting down', schema: 'Readiness' },
    },
  },
  'GET /metrics': {
    tag: 'operations',
    auth: 'none',
    summary: 'Prometheus metrics of this instance',
    responses: {
      200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain', schema: { type: 'string' } },
    },
  },
};
