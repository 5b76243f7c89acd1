// A Spaceport-like instance for the SIGKILL failover test, run as its own OS process through
// vite-node (`node node_modules/vite-node/vite-node.mjs -c vitest.config.ts elector-child.ts <consulPort> <nodeId>`).
// It uses OUR ServiceRegistration and LeaderElection and prints one JSON line per event.
import { createConsulClient } from '../client';
import { LeaderElection } from '../leader-election';
import { ServiceRegistration } from '../registration';

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), pid: process.pid, ...fields })}\n`);
}

async function main(): Promise<void> {
  const [portArg, nodeId = `child-${process.pid}`, key = 'spaceport/chaos/leader'] = process.argv.slice(2);
  const port = Number(portArg);
  const ttlMs = Number(process.env['CHILD_CHECK_TTL_MS'] ?? 3_000);
  const client = createConsulClient({ host: '127.0.0.1', port, secure: false });
  const registration = new ServiceRegistration({
    client,
    nodeId,
    role: 'event-worker',
    clusterId: 'chaos',
    port: 0,
    ttlMs,
  });
  const election = new LeaderElection({
    client,
    key,
    nodeId,
    serviceCheckId: registration.checkId,
    sessionTtlMs: Number(process.env['CHILD_SESSION_TTL_MS'] ?? 10_000),
    lockDelayMs: Number(process.env['CHILD_LOCK_DELAY_MS'] ?? 1_000),
    backoff: { initialMs: 100, maxMs: 1_000 },
  });
  election.on('elected', (lockIndex) => log('elected', { nodeId, lockIndex }));
  election.on('lost', (reason) => log('lost', { nodeId, reason }));
  election.on('error', (error) =>
    log('error', { nodeId, message: error instanceof Error ? error.message : String(error) }),
  );
  process.once('SIGTERM', () => {
    void (async () => {
      await election.stop();
      await registration.stop();
      client.destroy();
      log('stopped', { nodeId });
      process.exit(0);
    })();
  });
  await registration.start();
  election.start();
  log('started', { nodeId });
}

main().catch((error: unknown) => {
  log('fatal', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
