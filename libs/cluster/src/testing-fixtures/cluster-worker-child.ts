// A Spaceport event worker reduced to its coordination, run as its own OS process through vite-node
// (`node node_modules/vite-node/vite-node.mjs -c vitest.config.ts cluster-worker-child.ts <consulPort> <nodeId> <P>`;
// the config supplies the @spaceport/* aliases).
// It registers with OUR ServiceRegistration, runs OUR ClusterCoordinator with a recording runner
// and prints one JSON line per event (partition starts/stops carry their timestamps).
import { createConsulClient, ServiceRegistration } from '@spaceport/consul-core';
import { ClusterCoordinator } from '../cluster-coordinator';
import { type PartitionRunner } from '../partition-runner';
import { resolveClusterSettings } from '../settings';

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), pid: process.pid, ...fields })}\n`);
}

async function main(): Promise<void> {
  const [portArg, nodeId = `child-${process.pid}`, partitionsArg = '12', clusterId = 'chaos'] = process.argv.slice(2);
  const settings = resolveClusterSettings({
    checkTtlMs: Number(process.env['CHILD_CHECK_TTL_MS'] ?? 3_000),
    lockDelayMs: Number(process.env['CHILD_LOCK_DELAY_MS'] ?? 1_000),
  });
  const client = createConsulClient({ host: '127.0.0.1', port: Number(portArg), secure: false });
  const registration = new ServiceRegistration({
    client,
    nodeId,
    role: 'event-worker',
    clusterId,
    port: 1,
    ttlMs: settings.checkTtlMs,
  });
  const runner: PartitionRunner = {
    start: async (partition, epoch) => log('start', { nodeId, partition, epoch }),
    stop: async (partition) => {
      log('stop-begin', { nodeId, partition });
      await new Promise((resolve) => setTimeout(resolve, 50));
      log('stop-end', { nodeId, partition });
    },
  };
  await registration.start();
  const coordinator = new ClusterCoordinator({
    client,
    nodeId,
    clusterId,
    partitionCount: Number(partitionsArg),
    settings,
    runner,
    serviceCheckId: registration.checkId,
    onEvent: (event) => {
      if (event.type === 'elected' || event.type === 'lost') log(event.type, { ...event });
      if (event.type === 'assigned')
        log('assigned', { nodeId, generation: event.document.generation, owners: event.document.owners });
    },
  }).start();
  process.once('SIGTERM', () => {
    void (async () => {
      await coordinator.stop();
      await registration.stop();
      client.destroy();
      log('stopped', { nodeId });
      process.exit(0);
    })();
  });
  log('started', { nodeId });
}

main().catch((error: unknown) => {
  log('fatal', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
