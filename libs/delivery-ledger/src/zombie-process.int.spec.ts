import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedProcess, useRedisServer, waitFor } from '@spaceport/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LedgerClients } from './testing-fixtures/ledger-clients';

// Two real worker processes (testing-fixtures/ledger-worker-child.ts). A owns partition 0 at epoch 3
// and is SIGSTOPped mid-stream; B takes over at epoch 4 and works d-0..d-199; A is SIGCONTed while
// d-200.. are still unsent. A must send nothing it is not entitled to and stop at the fence.
const CHILD = resolve(__dirname, 'testing-fixtures/ledger-worker-child.ts');
const VITE_NODE = resolve(__dirname, '../../../node_modules/vite-node/vite-node.mjs');
/** the workspace's path aliases (the child imports @spaceport/redis-core) */
const VITE_CONFIG = resolve(__dirname, '../../../vitest.config.ts');
const A_RANGE = [0, 300] as const;
const B_RANGE = [0, 200] as const;

interface ChildEvent {
  event: string;
  at: number;
  deliveryId?: string;
}

function eventsOf(logFile: string): ChildEvent[] {
  try {
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as ChildEvent);
  } catch {
    return [];
  }
}

describe('paused zombie worker process', () => {
  const server = useRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-ledger-zombie-'));
  const children: ManagedProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function spawnWorker(
    name: string,
    clusterId: string,
    epoch: number,
    [from, to]: readonly [number, number],
  ): { proc: ManagedProcess; log: string } {
    const log = join(dir, `${name}.log`);
    const args = [
      VITE_NODE,
      '--config',
      VITE_CONFIG,
      CHILD,
      server.redis.url,
      clusterId,
      name,
      String(epoch),
      String(from),
      String(to),
      'bump',
    ];
    const proc = new ManagedProcess({ name: `ledger-worker-${name}`, command: process.execPath, args, logFile: log });
    children.push(proc);
    proc.start();
    return { proc, log };
  }

  it('fences a SIGSTOPped owner after the partition moved; duplicates stay within its in-flight delivery', async () => {
    const clients = new LedgerClients(server.redis.url);
    try {
      const ledger = clients.ledger();
      const a = spawnWorker('A', clients.clusterId, 3, A_RANGE);
      await waitFor(() => eventsOf(a.log).filter((e) => e.event === 'recorded').length >= 20, {
        what: 'A to record 20',
        timeoutMs: 30_000,
      });
      a.proc.signal('SIGSTOP');
      const b = spawnWorker('B', clients.clusterId, 4, B_RANGE);
      await waitFor(() => eventsOf(b.log).some((e) => e.event === 'done'), {
        what: 'B to finish its range',
        timeoutMs: 30_000,
      });
      const resumedAt = Date.now();
      a.proc.signal('SIGCONT');
      await waitFor(() => eventsOf(a.log).some((e) => e.event === 'done'), {
        what: 'A to stop after resuming',
        timeoutMs: 30_000,
      });

      const aEvents = eventsOf(a.log);
      const bEvents = eventsOf(b.log);
      expect([...aEvents, ...bEvents].filter((e) => e.event === 'fatal' || e.event === 'gave-up')).toEqual([]);
      expect(aEvents.find((e) => e.event === 'fenced')).toMatchObject({ deliveryId: 'd-200' });
      const aSendsAfterResume = aEvents.filter((e) => e.event === 'send' && e.at >= resumedAt);
      expect(aSendsAfterResume.length).toBeLessThanOrEqual(1); // at most the one it was about to send when stopped
      const sends = [...aEvents, ...bEvents].filter((e) => e.event === 'send').map((e) => e.deliveryId);
      const duplicates = sends.length - new Set(sends).size;
      expect(duplicates).toBeLessThanOrEqual(1);
      expect([...aEvents, ...bEvents].filter((e) => e.event === 'recorded')).toHaveLength(200);
      for (let index = 0; index < 200; index += 1)
        expect(await ledger.isSent(`d-${index}`, 0), `d-${index}`).toBe(true);
      expect(await ledger.isSent('d-200', 0)).toBe(false);
      expect(await ledger.currentEpoch(0)).toBe(4);
    } finally {
      clients.close();
    }
  });
});
