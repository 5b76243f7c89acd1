// Benchmark (not a test), a what-if: would batching the once-only ledger's commands make the protocol
// cheaper? Baseline: DeliveryLedger.claim as the worker runs it — one script call per claim on the
// worker's write-coalescing client (createFailFastRedis: the claims of one event-loop iteration already
// leave in one socket write). Compared: the same claim script run for every claim issued in one
// iteration inside a single script call (one command, one reply), the most batching can save per
// command on both sides. Client CPU (this process) and Redis CPU (INFO cpu) per claim, short rounds in
// alternating order. The prototype batcher lives here only; the product does not batch.
// Run: npm run build; node node_modules/vite-node/vite-node.mjs --config vitest.config.ts tools/bench/ledger-batching.ts [claims per round, default 5000; 20 rounds]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { provisionIntoEnv } from '../../libs/testing/src/provision-env';
import { startRedisServer } from '../../libs/testing/src/redis-server';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { percentile } from './eventing-load';
import { alternatingRounds } from './in-process-rounds';

// the code the apps run (`dist/`), as in delivery-path.ts
const built = <T>(path: string): T => createRequire(__filename)(join(__dirname, '../../dist', path)) as T;
const { DeliveryLedger, ledgerKeyPrefix } = built<typeof import('../../libs/delivery-ledger/src/index')>(
  'libs/delivery-ledger/src/index.js',
);
const { COMMANDS } = built<typeof import('../../libs/delivery-ledger/src/scripts')>(
  'libs/delivery-ledger/src/scripts.js',
);
const { createFailFastRedis } = built<typeof import('../../libs/eventing/src/shared/redis')>(
  'libs/eventing/src/shared/redis.js',
);

const PARTITION = 7;
const EPOCH = 1;
const IN_FLIGHT = 32;
const CLAIM_TTL_MS = 7_000;
const WORKER = 'bench-worker';

/** The ledger's own claim script, run once per claim of the call (3 keys and 6 args each). */
const CLAIM_MANY_LUA = `
local function claim_one(KEYS, ARGV)
${COMMANDS.claim.lua}
end
local replies = {}
for i = 0, #KEYS / 3 - 1 do
  replies[i + 1] = claim_one({ KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3] },
    { ARGV[6 * i + 1], ARGV[6 * i + 2], ARGV[6 * i + 3], ARGV[6 * i + 4], ARGV[6 * i + 5], ARGV[6 * i + 6] })
end
return replies`;

interface Pending {
  readonly keys: string[];
  readonly args: (string | number)[];
  resolve(reply: unknown): void;
  reject(error: unknown): void;
}

/** Collects the claims of one event-loop iteration and sends them as one CLAIM_MANY_LUA call. */
function batchedClaims(
  client: Redis,
  ledger: InstanceType<typeof DeliveryLedger>,
): (deliveryId: string) => Promise<unknown> {
  client.defineCommand('benchClaimMany', { lua: CLAIM_MANY_LUA });
  const claimMany = (
    client as unknown as { benchClaimMany(...args: (string | number)[]): Promise<unknown[]> }
  ).benchClaimMany.bind(client);
  let pending: Pending[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    const keys = batch.flatMap((claim) => claim.keys);
    claimMany(keys.length, ...keys, ...batch.flatMap((claim) => claim.args)).then(
      (replies) => batch.forEach((claim, i) => claim.resolve(replies[i])),
      (error: unknown) => batch.forEach((claim) => claim.reject(error)),
    );
  };
  return (deliveryId) =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({
        keys: [ledger.keys.sent(deliveryId), ledger.keys.claim(deliveryId), ledger.keys.epoch(PARTITION)],
        args: [`token-${deliveryId}`, WORKER, String(EPOCH), CLAIM_TTL_MS, String(PARTITION), Date.now()],
        resolve,
        reject,
      });
    });
}

/**
 * CPU µs Redis has used so far (INFO cpu: used_cpu_sys + used_cpu_user, in seconds with µs). Not
 * `cpuMsOf` (redis-commandstats.ts): /proc counts in 10 ms steps, a tenth of a round's Redis CPU here.
 */
async function redisCpuUs(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1e6;
}

async function main(): Promise<void> {
  const perRound = Math.min(Number(process.argv[2] ?? 5_000), 20_000);
  const rounds = 20;
  provisionIntoEnv();
  const redis = await startRedisServer();
  const client = createFailFastRedis(redis.url, 5_000, pino({ level: 'silent' }), 'bench-ledger');
  const admin = new Redis(redis.url, { lazyConnect: true });
  try {
    await Promise.all([client.connect(), admin.connect()]);
    const ledger = new DeliveryLedger(client, { keyPrefix: ledgerKeyPrefix('bench-batching'), httpTimeoutMs: 5_000 });
    await ledger.bumpEpoch(PARTITION, EPOCH);
    const batched = batchedClaims(client, ledger);
    const expectClaimed = (status: unknown): void => {
      if (status !== 'claimed') throw new Error(`claim answered ${String(status)}`);
    };
    const paths: Record<string, (id: string) => Promise<void>> = {
      'DeliveryLedger.claim, one script call per claim (the worker; baseline)': async (id) =>
        expectClaimed((await ledger.claim(id, PARTITION, EPOCH, WORKER, CLAIM_TTL_MS)).status),
      'one script call for all claims of an event-loop iteration (what-if)': async (id) =>
        expectClaimed(((await batched(id)) as string[])[0]),
    };
    const names = Object.keys(paths);
    const redisSamples: Record<string, number[]> = {};
    let runs = 0; // every run of a path claims delivery ids of its own
    const clientSamples = await alternatingRounds(
      names,
      { rounds, perRound, inFlight: IN_FLIGHT, server: { cpuUs: () => redisCpuUs(admin), into: redisSamples } },
      async (name) => {
        const run = (runs += 1);
        return (index) => paths[name]!(`run${run}-${index}`);
      },
    );
    const totals = Object.fromEntries(
      names.map((name) => [name, clientSamples[name]!.map((us, i) => us + redisSamples[name]![i]!)]),
    );
    const baseline = totals[names[0]!]!;
    const median = (values: number[]): string => percentile(values, 50).toFixed(1);
    const rows = names.map((name) => {
      const ratios = totals[name]!.map((us, i) => us / baseline[i]!);
      return `| ${name} | ${median(clientSamples[name]!)} µs | ${median(redisSamples[name]!)} µs | ${median(totals[name]!)} µs | ${percentile(ratios, 50).toFixed(2)}× |`;
    });
    const markdown = [
      `Result (${benchEnvironment()}; ${rounds} rounds of ${perRound} claims, ${IN_FLIGHT} in flight; CPU per claim of this process and of Redis):`,
      '',
      '| path | client CPU (median) | Redis CPU (median) | total (median) | total ÷ baseline (median of rounds) |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    console.log(markdown);
    writeBenchMarkdown(markdown);
  } finally {
    client.disconnect();
    admin.disconnect();
    await redis.stop();
  }
  process.exit(0);
}

void main();
