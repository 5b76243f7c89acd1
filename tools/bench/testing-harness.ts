// What the benchmarks take from the test harness and the test fixtures, in one place (not a test).
// libs/testing is imported file by file rather than as `@spaceport/testing`: its index also exports
// the vitest hooks (suite.ts), and importing vitest outside a vitest run throws. The receiver and the
// cluster probes are test fixtures, which no public entry point exports. Everything else a benchmark
// uses of the libs comes through `@spaceport/<lib>`.
import { join } from 'node:path';
import { ROOT } from './benchmarks';

export { AppStack, type LaunchedApp, type StackSettings } from '../../libs/testing/src/app-stack';
export { call, projectBody, spaceCloudTrigger } from '../../libs/testing/src/config-api-client';
export { startConsulAgent } from '../../libs/testing/src/consul-agent';
export { type AcceptedEvent, runEventStream } from '../../libs/testing/src/event-stream';
export { ManagedProcess } from '../../libs/testing/src/managed-process';
export { partitionResumeMs } from '../../libs/testing/src/partition-resume';
export { freePort, freePorts } from '../../libs/testing/src/ports';
export { type RedisFailover, type RedisNode, startReplicatedNodes } from '../../libs/testing/src/redis-node';
export { provisionIntoEnv } from '../../libs/testing/src/provision-env';
export { type RedisServer, startRedisServer } from '../../libs/testing/src/redis-server';
export { startRedisCluster } from '../../libs/testing/src/redis-cluster';
export {
  deliveredTo,
  duplicatesAwayFromKill,
  failoverTimings,
  settleAccepted,
} from '../../libs/testing/src/redis-failover-outcome';
export { startRedisSentinel } from '../../libs/testing/src/redis-sentinel';
export { sleep, waitFor } from '../../libs/testing/src/wait';

export { WebhookReceiver } from '../../libs/testing/src/webhook-receiver';
export { isBalancedOver, readCluster } from '../../apps/event-worker/src/testing-fixtures/cluster-probe';
export {
  type ChildView,
  childLeads,
  readChildLines,
  restartedAfter,
  runningNow,
  settledOn,
} from '../../libs/cluster/src/testing-fixtures/child-log';

/** The cluster benchmark's worker child (our registration and ClusterCoordinator with a recording runner). */
export const CLUSTER_WORKER_CHILD = join(ROOT, 'libs/cluster/src/testing-fixtures/cluster-worker-child.ts');
