// Benchmark (not a test): the client-side CPU of one delivery in this process — Spaceport's
// DeliveryProcessor.process (in an event-worker Nest app started here, from the build) against a ladder
// from the minimal once-only delivery up to it, each rung composed of Spaceport's own pieces: ledger
// claim → request → POST → sent record with a follow-up. Redis and the receiver run in other processes,
// so process.cpuUsage counts the worker side only. Short rounds in alternating order (the machine drifts
// within seconds); each round's events are logged first, as after ingest (not counted).
// Run: npm run build; node node_modules/vite-node/vite-node.mjs --config vitest.config.ts tools/bench/delivery-path.ts [deliveries per round, default 1000; 20 rounds]
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { provisionIntoEnv } from '../../libs/testing/src/provision-env';
import { startRedisServer } from '../../libs/testing/src/redis-server';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { alternatingRounds, ratioRows, startPlainReceiver } from './in-process-rounds';

// Spaceport's pieces come from the build (`dist/`, plain CommonJS through Node's require), so what is
// measured is the code the apps run, not vite-node's transform of the sources.
const built = <T>(path: string): T => createRequire(__filename)(join(__dirname, '../../dist', path)) as T;
const { defineLedgerFollowUp, DeliveryLedger, ledgerKeyPrefix } = built<
  typeof import('../../libs/delivery-ledger/src/index')
>('libs/delivery-ledger/src/index.js');
const { generateWebhookSecret } = built<typeof import('../../libs/eventing-core/src/index')>(
  'libs/eventing-core/src/index.js',
);
const { DeliveryProcessor } = built<typeof import('../../libs/eventing/src/delivery/delivery-processor')>(
  'libs/eventing/src/delivery/delivery-processor.js',
);
const { lookupTarget, webhookRequestOf } = built<typeof import('../../libs/eventing/src/delivery/delivery-target')>(
  'libs/eventing/src/delivery/delivery-target.js',
);
const { AttemptRunner } = built<typeof import('../../libs/eventing/src/delivery/attempt-runner')>(
  'libs/eventing/src/delivery/attempt-runner.js',
);
const { EventDeliveryModule } = built<typeof import('../../libs/eventing/src/index')>('libs/eventing/src/index.js');
const { EventLog } = built<typeof import('../../libs/eventing/src/shared/event-log')>(
  'libs/eventing/src/shared/event-log.js',
);
const { EVENTING_REDIS } = built<typeof import('../../libs/eventing/src/shared/tokens')>(
  'libs/eventing/src/shared/tokens.js',
);
const { startTestApp } = built<typeof import('../../libs/eventing/src/test-support/apps')>(
  'libs/eventing/src/test-support/apps.js',
);
const { snapshotOf, StaticConfigView } = built<typeof import('../../libs/eventing/src/test-support/snapshot')>(
  'libs/eventing/src/test-support/snapshot.js',
);
type PartitionLease = import('../../libs/eventing/src/delivery/delivery-processor').PartitionLease;
type DeliveryJobData = import('../../libs/eventing/src/shared/delivery-job').DeliveryJobData;

const PARTITION = 1000;
const EPOCH = 1;
const IN_FLIGHT = 32;
type Delivery = (data: DeliveryJobData) => Promise<void>;

/** An event-worker app in this process (the build) with one trigger to `receiverUrl`, and what the rungs need. */
async function startRig(redisUrl: string, receiverUrl: string) {
  process.env['REDIS_URL'] = redisUrl;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  const snapshot = snapshotOf({
    projects: {
      shop: {
        project: {
          name: 'Shop',
          secrets: { webhook: [generateWebhookSecret()], apiTokens: ['bench-token-0123456789abcdef'] },
        },
        triggers: { bench: { type: 'order.paid', url: `${receiverUrl}/hook` } },
      },
    },
  });
  const worker = await startTestApp(
    'event-worker',
    'bench-worker',
    EventDeliveryModule,
    new StaticConfigView(snapshot),
  );
  const processor = worker.app.get(DeliveryProcessor);
  const commands = new Redis(redisUrl, { enableAutoPipelining: true });
  const workerRedis = worker.app.get<Redis>(EVENTING_REDIS);
  const follow = `redis.call('rpush', KEYS[1], ARGV[1])`;
  const ledgers = {
    bench: {
      ledger: new DeliveryLedger(commands, { keyPrefix: ledgerKeyPrefix('bench-path'), httpTimeoutMs: 5_000 }),
      rpush: defineLedgerFollowUp(commands, 'benchPathInvocation', follow),
    },
    worker: {
      ledger: processor.ledgerFor(5_000),
      rpush: defineLedgerFollowUp(workerRedis, 'benchPathInvocation', follow),
    },
  };
  await Promise.all(Object.values(ledgers).map(({ ledger }) => ledger.bumpEpoch(PARTITION, EPOCH)));
  const target = lookupTarget(snapshot, { project: 'shop', triggerId: 'bench' } as DeliveryJobData);
  if (target.kind !== 'ok') throw new Error('no target');
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  return {
    snapshot,
    processor,
    target,
    agent,
    ledgers,
    attempts: worker.app.get(AttemptRunner),
    log: worker.app.get(EventLog),
    close: async () => {
      await worker.close();
      await agent.close();
      commands.disconnect();
    },
  };
}
type Rig = Awaited<ReturnType<typeof startRig>>;

/** claim → (body, headers) → POST → sent record with a follow-up, each step the minimal way or Spaceport's. */
function rung(
  rig: Rig,
  render: 'minimal' | 'cloudevent',
  send: 'bare' | 'sender',
  followUp: 'rpush' | 'attempt-log',
  client: 'bench' | 'worker',
): Delivery {
  const key = Buffer.alloc(32, 7);
  const { ledger, rpush } = rig.ledgers[client];
  const retention = rig.snapshot.eventing.value.retention;
  const url = rig.target.trigger.url;
  const bare = async (body: string, headers: Record<string, string>): Promise<number> => {
    const res = await request(url, { method: 'POST', body, headers, dispatcher: rig.agent });
    await res.body.dump();
    return res.statusCode;
  };
  return async (data) => {
    const claimed = await ledger.claim(data.deliveryId, PARTITION, EPOCH, 'bench', 7_000);
    if (claimed.status !== 'claimed') throw new Error(`claim: ${claimed.status}`);
    let body = `{"data":${data.payloadJson}}`;
    let headers: Record<string, string>;
    if (render === 'minimal') {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `v1,${createHmac('sha256', key).update(`${data.deliveryId}.${timestamp}.${body}`).digest('base64')}`;
      headers = {
        'content-type': 'application/json',
        'webhook-id': data.deliveryId,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      };
    } else {
      ({ body, headers } = webhookRequestOf(data, rig.target.project, rig.target.trigger, Date.now()));
    }
    const statusCode =
      send === 'bare'
        ? await bare(body, headers)
        : ((await rig.attempts.sender.send({ url, headers, body, timeoutMs: 5_000 })).statusCode ?? 0);
    const invocation = {
      trigger: data.triggerId,
      deliveryId: data.deliveryId,
      attempt: 1,
      at: new Date().toISOString(),
      statusCode,
      latencyMs: 1,
      response: 'ok',
      error: null,
    };
    const call =
      followUp === 'rpush'
        ? {
            script: rpush,
            keys: [`bench-path:inv:${data.deliveryId}`],
            args: [JSON.stringify({ at: invocation.at, statusCode })],
          }
        : rig.log.attemptLog(data.project, data.eventId, invocation, 'processed', retention);
    await ledger.recordSent(
      data.deliveryId,
      claimed.claim.token,
      EPOCH,
      { workerId: 'bench', statusCode, attempt: 1 },
      call,
    );
  };
}

/** The ladder, the minimal once-only delivery first (the baseline of the ratios). */
function ladder(rig: Rig): Record<string, Delivery> {
  const lease: PartitionLease = {
    partition: PARTITION,
    epoch: EPOCH,
    signal: new AbortController().signal,
    onFenced: () => undefined,
  };
  return {
    'minimal once-only: claim, HMAC, bare POST, sent record + RPUSH': rung(rig, 'minimal', 'bare', 'rpush', 'bench'),
    '+ CloudEvent body and Standard Webhooks headers (webhookRequestOf)': rung(
      rig,
      'cloudevent',
      'bare',
      'rpush',
      'bench',
    ),
    '+ WebhookSender.send': rung(rig, 'cloudevent', 'sender', 'rpush', 'bench'),
    "+ the worker's Redis client for the ledger": rung(rig, 'cloudevent', 'sender', 'rpush', 'worker'),
    '+ the attempt log as the follow-up': rung(rig, 'cloudevent', 'sender', 'attempt-log', 'worker'),
    'DeliveryProcessor.process (Spaceport)': async (data) => {
      const job = {
        data,
        attemptsMade: 0,
        moveToDelayed: async () => {
          throw new Error('postponed');
        },
      } as unknown as Job<DeliveryJobData>;
      const outcome = await rig.processor.process(job, undefined, lease);
      if (outcome !== 'sent') throw new Error(`process: ${outcome}`);
    },
  };
}

let seq = 0;
function nextJob(): DeliveryJobData {
  seq += 1;
  return {
    project: 'shop',
    eventId: `01JBENCH${String(seq).padStart(18, '0')}`,
    triggerId: 'bench',
    deliveryId: `d-${seq}`,
    partition: PARTITION,
    type: 'order.paid',
    payloadJson: `{"amount":42,"orderId":"o-${seq}","seq":${seq}}`,
    time: new Date().toISOString(),
    ordered: false,
  };
}

async function main(): Promise<void> {
  const perRound = Math.min(Number(process.argv[2] ?? 1_000), 10_000);
  const rounds = 20;
  provisionIntoEnv();
  const redis = await startRedisServer();
  const receiver = await startPlainReceiver();
  const rig = await startRig(redis.url, receiver.url);
  try {
    const paths = ladder(rig);
    const names = Object.keys(paths);
    const retention = rig.snapshot.eventing.value.retention;
    const samples = await alternatingRounds(names, { rounds, perRound, inFlight: IN_FLIGHT }, async (name) => {
      const batch = Array.from({ length: perRound }, nextJob);
      await Promise.all(
        batch.map((data) =>
          rig.log.recordAccepted(
            data.project,
            {
              eventId: data.eventId,
              type: data.type,
              payloadJson: data.payloadJson ?? '{}',
              time: data.time,
              acceptedAt: Date.now(),
              partition: PARTITION,
              partitionKey: undefined,
              triggers: [data.triggerId],
            },
            retention,
          ),
        ),
      );
      return (index) => paths[name]!(batch[index]!);
    });
    const markdown = [
      `Result (${benchEnvironment()}; ${rounds} rounds of ${perRound} deliveries, ${IN_FLIGHT} in flight; client-side CPU per delivery in the worker's process, Redis and the receiver in others):`,
      '',
      '| path | CPU per delivery (median) | ÷ minimal once-only (median of rounds) |',
      '|---|---|---|',
      ...ratioRows(names, samples),
    ].join('\n');
    console.log(markdown);
    writeBenchMarkdown(markdown);
  } finally {
    await rig.close();
    receiver.stop();
    await redis.stop();
  }
  process.exit(0);
}

void main();
