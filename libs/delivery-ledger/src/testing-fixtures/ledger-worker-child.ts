// A minimal event worker as its own OS process, for the paused-zombie test. Run through vite-node:
//   node node_modules/vite-node/vite-node.mjs --config vitest.config.ts ledger-worker-child.ts <redisUrl> <clusterId> <workerId> <epoch> <from> <to> [bump]
// It works deliveries d-<from>..d-<to - 1> of partition 0 in order with OUR DeliveryLedger: claim,
// check the send deadline, "send" (a `send` line stands for the socket write), record. It stops when
// fenced, like a worker that lost its partition. One JSON line per event on stdout.
import { Redis } from 'ioredis';
import { DeliveryLedger } from '../delivery-ledger';
import { ledgerKeyPrefix } from '../keys';

const CLAIM_TTL_MS = 400;
const MAX_TRIES_PER_DELIVERY = 100;

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), pid: process.pid, ...fields })}\n`);
}

// Not @spaceport/testing's sleep: that index loads vitest's hooks, which throw outside a vitest run.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One delivery: true to go on with the next, false when fenced. */
async function work(ledger: DeliveryLedger, deliveryId: string, workerId: string, epoch: number): Promise<boolean> {
  for (let tries = 0; tries < MAX_TRIES_PER_DELIVERY; tries += 1) {
    const result = await ledger.claim(deliveryId, 0, epoch, workerId, CLAIM_TTL_MS);
    if (result.status === 'fenced') {
      log('fenced', { deliveryId, current: result.currentEpoch });
      return false;
    }
    if (result.status === 'already-sent') return true;
    if (result.status === 'in-flight-elsewhere') {
      await sleep(20);
      continue;
    }
    if (!ledger.maySend(result.claim)) {
      log('deadline-passed', { deliveryId });
      continue;
    }
    log('send', { deliveryId });
    const recorded = await ledger.recordSent(deliveryId, 0, result.claim.token, epoch, { workerId, statusCode: 204 });
    log(recorded.status, { deliveryId, claimState: recorded.claimState });
    return true;
  }
  log('gave-up', { deliveryId });
  return true;
}

async function main(): Promise<void> {
  const [url = '', clusterId = '', workerId = '', epochArg, fromArg, toArg, bump] = process.argv.slice(2);
  const [epoch, from, to] = [Number(epochArg), Number(fromArg), Number(toArg)];
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  redis.on('error', (error: Error) => log('redis-error', { message: error.message }));
  const ledger = new DeliveryLedger(redis, {
    keyPrefix: ledgerKeyPrefix(clusterId),
    httpTimeoutMs: 100,
    safetyMarginMs: 50,
  });
  if (bump === 'bump') log('bump', { result: await ledger.bumpEpoch(0, epoch) });
  log('started', { workerId, epoch });
  for (let index = from; index < to; index += 1) {
    if (!(await work(ledger, `d-${index}`, workerId, epoch))) break;
    await sleep(5);
  }
  log('done', { workerId });
  redis.disconnect();
}

main().catch((error: unknown) => {
  log('fatal', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
