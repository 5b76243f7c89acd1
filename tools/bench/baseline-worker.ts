// Benchmark helper (not a test): the baseline's delivery process. A plain BullMQ worker that POSTs each
// job's data as JSON to TARGET_URL over an undici keep-alive pool. Started by the benchmark.
// PROTOCOL=1: the "minimal once-only" baseline adds what the once-only protocol requires of every
// delivery (docs/architecture.md, Once-only delivery) and nothing else: a fenced ledger claim before the
// send (@spaceport/delivery-ledger, the same code Spaceport runs), a Standard Webhooks HMAC, and after a
// 2xx the sent record plus one invocation-log append in one command (the append as the ledger's
// follow-up, as Spaceport logs its attempts).
// Env: REDIS_URL, QUEUE, TARGET_URL, CONCURRENCY, PORT (a /healthz endpoint once the worker runs), PROTOCOL.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { defineLedgerFollowUp, DeliveryLedger, type LedgerFollowUp, ledgerKeyPrefix } from '@spaceport/delivery-ledger';

const target = process.env['TARGET_URL'] ?? 'http://127.0.0.1:1/';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const protocol = process.env['PROTOCOL'] === '1';
const commands = protocol ? new Redis(redisUrl, { enableAutoPipelining: true }) : undefined;
const keyPrefix = ledgerKeyPrefix('baseline');
const ledger = commands && new DeliveryLedger(commands, { keyPrefix, httpTimeoutMs: 5_000 });
const appendInvocation =
  commands && defineLedgerFollowUp(commands, 'baselineInvocation', `redis.call('rpush', KEYS[1], ARGV[1])`);
const key = Buffer.alloc(32, 7);

async function post(body: string, headers: Record<string, string>): Promise<number> {
  const res = await request(target, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    dispatcher: agent,
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
  return res.statusCode;
}

async function deliverOnce(job: Job, ledger: DeliveryLedger, appendInvocation: LedgerFollowUp): Promise<void> {
  const id = job.id ?? '';
  const claimed = await ledger.claim(id, 0, 1, 'baseline-worker', 7_000);
  if (claimed.status !== 'claimed') return;
  const body = JSON.stringify(job.data);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  const statusCode = await post(body, {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature,
  });
  const invocation = {
    script: appendInvocation,
    keys: [`${keyPrefix(0)}inv:${id}`],
    args: [JSON.stringify({ at: new Date().toISOString(), statusCode })],
  };
  await ledger.recordSent(
    id,
    0,
    claimed.claim.token,
    1,
    { workerId: 'baseline-worker', statusCode, attempt: 1 },
    invocation,
  );
}

const ready = ledger ? ledger.bumpEpoch(0, 1) : Promise.resolve();
const worker = new Worker(
  process.env['QUEUE'] ?? 'baseline',
  async (job) => {
    if (ledger && appendInvocation) return deliverOnce(job, ledger, appendInvocation);
    await post(JSON.stringify(job.data), {});
  },
  { connection, concurrency: Number(process.env['CONCURRENCY'] ?? 64), autorun: false },
);

const health = createServer((_req, res) => void res.writeHead(worker.isRunning() ? 200 : 503).end());
void ready
  .then(() => {
    void worker.run();
    return worker.waitUntilReady();
  })
  .then(() => health.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1'));
process.on('SIGTERM', () => {
  health.close();
  void worker
    .close()
    .then(() => agent.close())
    .then(() => Promise.all([connection.quit(), commands?.quit()]))
    .finally(() => process.exit(0));
});
