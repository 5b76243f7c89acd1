import { sleep, useRedisServer } from '@spaceport/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveryLedger } from './delivery-ledger';
import { LedgerClients } from './testing-fixtures/ledger-clients';

// Random interleavings of claim / record / release / bump by 3 workers on 3 deliveries of one
// partition, against the real scripts. Steps of one batch run concurrently (Redis serialises them in
// any order); batches run one after another. Tiny timings so short claims expire during a run.
const TIMING = { httpTimeoutMs: 20, safetyMarginMs: 5 };
const SHORT_TTL_MS = 30;
const LONG_TTL_MS = 10_000;
const WORKERS = 3;
const DELIVERIES = ['p0', 'p1', 'p2'] as const;

type Step =
  | { kind: 'bump'; worker: number; generation: number }
  | { kind: 'claim'; worker: number; delivery: number; shortTtl: boolean; staleEpoch: boolean }
  | { kind: 'record' | 'release'; worker: number; delivery: number }
  | { kind: 'wait'; ms: number };

const worker = fc.integer({ min: 0, max: WORKERS - 1 });
const delivery = fc.integer({ min: 0, max: DELIVERIES.length - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('bump' as const), worker, generation: fc.integer({ min: 1, max: 6 }) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      worker,
      delivery,
      shortTtl: fc.boolean(),
      staleEpoch: fc.boolean(),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({ kind: fc.constantFrom('record' as const, 'release' as const), worker, delivery }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, SHORT_TTL_MS + 5) }), weight: 1 },
);
const batches = fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 });

/** What the run observed; the invariants are checked against it. */
class Observations {
  readonly recorded = new Map<string, number>();
  /** Deliveries recorded in an earlier batch than the one running. */
  readonly sentBefore = new Set<string>();
  readonly sentThisBatch: string[] = [];
  maxGeneration = 0;
  generationBeforeBatch = 0;
  readonly violations: string[] = [];

  endBatch(): void {
    for (const id of this.sentThisBatch.splice(0)) this.sentBefore.add(id);
    this.generationBeforeBatch = this.maxGeneration;
  }
}

class SimulatedWorker {
  epoch = 0;
  readonly tokens = new Map<string, string>();
  constructor(
    readonly id: string,
    readonly ledger: DeliveryLedger,
  ) {}
}

async function runStep(step: Step, workers: SimulatedWorker[], seen: Observations): Promise<void> {
  if (step.kind === 'wait') return sleep(step.ms);
  const actor = workers[step.worker]!;
  if (step.kind === 'bump') {
    const result = await actor.ledger.bumpEpoch(0, step.generation);
    if (result.status === 'stale') return;
    actor.epoch = step.generation;
    seen.maxGeneration = Math.max(seen.maxGeneration, step.generation);
    return;
  }
  const id = DELIVERIES[step.delivery]!;
  if (step.kind === 'claim') return runClaim(step, actor, id, seen);
  const token = actor.tokens.get(id);
  if (token === undefined) return;
  actor.tokens.delete(id);
  if (step.kind === 'release') {
    await actor.ledger.releaseClaim(id, 0, token);
    return;
  }
  const result = await actor.ledger.recordSent(id, 0, token, actor.epoch, { workerId: actor.id, statusCode: 200 });
  if (result.status === 'recorded') {
    seen.recorded.set(id, (seen.recorded.get(id) ?? 0) + 1);
    seen.sentThisBatch.push(id);
  }
}

async function runClaim(
  step: Extract<Step, { kind: 'claim' }>,
  actor: SimulatedWorker,
  id: string,
  seen: Observations,
): Promise<void> {
  const epoch = step.staleEpoch ? Math.max(0, actor.epoch - 1) : actor.epoch;
  const result = await actor.ledger.claim(id, 0, epoch, actor.id, step.shortTtl ? SHORT_TTL_MS : LONG_TTL_MS);
  if (seen.sentBefore.has(id) && result.status !== 'already-sent') {
    seen.violations.push(`${actor.id} got ${result.status} for ${id}, recorded sent in an earlier batch`);
  }
  if (result.status !== 'claimed') return;
  if (epoch < seen.generationBeforeBatch)
    seen.violations.push(`${actor.id} claimed ${id} at epoch ${epoch} < ${seen.generationBeforeBatch}`);
  actor.tokens.set(id, result.claim.token);
}

describe('ledger under random interleavings (property, real redis-server)', () => {
  const server = useRedisServer();

  it('never records one delivery twice, never claims a sent one, never lets a lower epoch claim', async () => {
    await fc.assert(
      fc.asyncProperty(batches, async (plan) => {
        const clients = new LedgerClients(server.redis.url);
        try {
          const workers = Array.from(
            { length: WORKERS },
            (_, index) => new SimulatedWorker(`w${index}`, clients.ledger(TIMING)),
          );
          const seen = new Observations();
          for (const batch of plan) {
            await Promise.all(batch.map((each) => runStep(each, workers, seen)));
            seen.endBatch();
          }
          expect(seen.violations).toEqual([]);
          for (const [id, count] of seen.recorded) expect(count, id).toBe(1);
          for (const id of seen.recorded.keys()) expect(await workers[0]!.ledger.isSent(id, 0)).toBe(true);
          const epoch = await workers[0]!.ledger.currentEpoch(0);
          expect(epoch ?? 0).toBe(seen.maxGeneration);
        } finally {
          clients.close();
        }
      }),
      { numRuns: 100, interruptAfterTimeLimit: 40_000 },
    );
  }, 60_000);
});
