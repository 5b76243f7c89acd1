// Benchmark (not a test): what REDIS_WAIT_REPLICAS=1 costs in latency. Two of Spaceport's built stacks
// (config-service, gateway, one event-worker each; cluster ids apart) on one Redis master with one replica
// (real redis-server processes on loopback), one with REDIS_WAIT_REPLICAS=0 and one with =1, both running
// at once. The load, ~1000 events/s one per request, goes to one stack at a time in 1-second slices that
// alternate between them, so both see the same machine (a shared host's load drifts within seconds).
// Measured per stack: p50/p99 of the ingest request (POST → 202, where the gateway's WAIT sits) and of
// request start → webhook receipt (the worker's WAIT after each sent record included), as ratios within
// the round. Run: npm run bench -- redis-wait   (BENCH_ROUNDS=R, default 3; BENCH_RATE, default 1000;
// BENCH_SLICES, 1-second slices per stack, default 5)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { BENCH_PROJECT_TOKEN, type BenchStack, flushAll, launchBenchStack, median } from './bench-process';
import { percentile, receipts, spaceportIngest } from './eventing-load';
import { provisionIntoEnv, type RedisNode, startReplicatedNodes, WebhookReceiver } from './testing-harness';

const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3)), 9);
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const SLICES = Math.min(Math.max(1, Number(process.env['BENCH_SLICES'] ?? 5)), 30);
const WAIT_TIMEOUT_MS = '1000';
const PATHS = ['wait0', 'wait1'] as const;
type Path = (typeof PATHS)[number];

interface Latencies {
  /** POST → 202, ms */
  readonly ingestP50: number;
  readonly ingestP99: number;
  /** POST start → receipt at the webhook, ms */
  readonly endToEndP50: number;
  readonly endToEndP99: number;
  /** non-202 answers */
  readonly refused: number;
}

/** What one stack's share of the load recorded. */
class Recorder {
  readonly sentAt = new Map<number, number>();
  readonly ingestMs: number[] = [];
  refused = 0;
}

/** POSTs event `seq` to `url`, recording its send time and its ingest latency. */
async function post(client: Agent, url: string, seq: number, recorder: Recorder): Promise<void> {
  const ingest = spaceportIngest(url, BENCH_PROJECT_TOKEN);
  const at = performance.now();
  recorder.sentAt.set(seq, at);
  const res = await request(ingest.url, {
    method: 'POST',
    dispatcher: client,
    headers: { 'content-type': 'application/json', ...ingest.headers },
    body: JSON.stringify(ingest.body(seq)),
  });
  await res.body.dump();
  if (res.statusCode === 202) recorder.ingestMs.push(performance.now() - at);
  else recorder.refused += 1;
}

/** RATE events/s for one second to `url`, from `firstSeq`; resolves when every request was answered. */
async function slice(client: Agent, url: string, firstSeq: number, recorder: Recorder): Promise<void> {
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < RATE; i += 1) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(post(client, url, firstSeq + i, recorder));
  }
  await Promise.all(pending);
}

function latencies(recorder: Recorder, received: readonly { body: string; at: number }[]): Latencies {
  const endToEnd = received.map((got) => {
    const seq = (JSON.parse(got.body) as { data: { seq: number } }).data.seq;
    return got.at - (recorder.sentAt.get(seq) ?? NaN);
  });
  return {
    ingestP50: percentile(recorder.ingestMs, 50),
    ingestP99: percentile(recorder.ingestMs, 99),
    endToEndP50: percentile(endToEnd, 50),
    endToEndP99: percentile(endToEnd, 99),
    refused: recorder.refused,
  };
}

/** Both stacks up at once; warm-up, then SLICES slices each, alternating (the first stack alternates by round). */
async function measureRound(
  round: number,
  dir: string,
  master: RedisNode,
  receiver: WebhookReceiver,
): Promise<Record<Path, Latencies>> {
  const redisUrl = `redis://${master.address}`;
  const stacks: Partial<Record<Path, BenchStack>> = {};
  const client = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  try {
    for (const [i, path] of PATHS.entries()) {
      mkdirSync(join(dir, path));
      const env = { REDIS_WAIT_REPLICAS: String(i), REDIS_WAIT_TIMEOUT_MS: WAIT_TIMEOUT_MS };
      stacks[path] = await launchBenchStack(join(dir, path), redisUrl, path, `${receiver.url}/${path}`, env);
    }
    const urlOf = (path: Path): string => stacks[path]!.gateway.url;
    const recorders = { wait0: new Recorder(), wait1: new Recorder() };
    receiver.clear();
    for (const path of PATHS) await slice(client, urlOf(path), -RATE, new Recorder());
    await receipts(receiver, 2 * RATE);
    receiver.clear();
    const order = round % 2 === 1 ? PATHS : [...PATHS].reverse();
    for (let i = 0; i < SLICES; i += 1)
      for (const path of order) await slice(client, urlOf(path), i * RATE, recorders[path]);
    const expected = PATHS.reduce((sum, path) => sum + SLICES * RATE - recorders[path].refused, 0);
    await receipts(receiver, expected);
    const receivedOn = (path: Path) => receiver.received.filter((got) => got.path === `/${path}`);
    return {
      wait0: latencies(recorders.wait0, receivedOn('wait0')),
      wait1: latencies(recorders.wait1, receivedOn('wait1')),
    };
  } finally {
    await client.close();
    for (const stack of Object.values(stacks)) await stack.stack.stopAll();
    await flushAll(redisUrl);
  }
}

const f = (n: number): string => n.toFixed(1);
const ratio = (a: number, b: number): string => (a / b).toFixed(2);

function resultsMarkdown(rounds: readonly Record<Path, Latencies>[]): string {
  const row = (i: number, r: Record<Path, Latencies>): string =>
    `| ${i + 1} | ${f(r.wait0.ingestP50)} / ${f(r.wait0.ingestP99)} | ${f(r.wait1.ingestP50)} / ${f(r.wait1.ingestP99)} | ` +
    `**${ratio(r.wait1.ingestP50, r.wait0.ingestP50)}× / ${ratio(r.wait1.ingestP99, r.wait0.ingestP99)}×** | ` +
    `${f(r.wait0.endToEndP50)} / ${f(r.wait0.endToEndP99)} | ${f(r.wait1.endToEndP50)} / ${f(r.wait1.endToEndP99)} | ` +
    `${ratio(r.wait1.endToEndP50, r.wait0.endToEndP50)}× / ${ratio(r.wait1.endToEndP99, r.wait0.endToEndP99)}× | ${r.wait0.refused + r.wait1.refused} |`;
  const medianOf = (g: (r: Record<Path, Latencies>) => number): string => median(rounds.map(g)).toFixed(2);
  return [
    `Result (${benchEnvironment()}; ${rounds.length} rounds, fresh processes each: a stack with REDIS_WAIT_REPLICAS=0 and one with =1 up at once on a master with one replica (loopback),` +
      ` a one-second warm-up slice each, then ${SLICES} one-second slices each at ${RATE} events/s, one per request, alternating between the stacks;` +
      ` REDIS_WAIT_TIMEOUT_MS ${WAIT_TIMEOUT_MS}). Latencies in ms, p50 / p99:`,
    '',
    '| round | ingest, WAIT 0 | ingest, WAIT 1 | ingest ratio | end to end, WAIT 0 | end to end, WAIT 1 | end-to-end ratio | non-202 |',
    '|---|---|---|---|---|---|---|---|',
    ...rounds.map((r, i) => row(i, r)),
    '',
    `Median over the rounds: ingest p50 ${medianOf((r) => r.wait1.ingestP50 / r.wait0.ingestP50)}×, p99 ${medianOf((r) => r.wait1.ingestP99 / r.wait0.ingestP99)}×;` +
      ` end to end p50 ${medianOf((r) => r.wait1.endToEndP50 / r.wait0.endToEndP50)}×, p99 ${medianOf((r) => r.wait1.endToEndP99 / r.wait0.endToEndP99)}×.`,
  ].join('\n');
}

async function main(): Promise<void> {
  provisionIntoEnv();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-bench-redis-wait-'));
  const { master, replicas } = await startReplicatedNodes(1);
  const nodes = [master, ...replicas];
  const receiver = await new WebhookReceiver().start();
  try {
    const rounds: Record<Path, Latencies>[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const dir = join(workDir, `round-${round}`);
      mkdirSync(dir);
      const result = await measureRound(round, dir, master, receiver);
      rounds.push(result);
      console.log(
        `round ${round}: ingest p50/p99 WAIT 0 ${f(result.wait0.ingestP50)}/${f(result.wait0.ingestP99)} ms, WAIT 1 ` +
          `${f(result.wait1.ingestP50)}/${f(result.wait1.ingestP99)} ms; end to end WAIT 0 ${f(result.wait0.endToEndP50)}/` +
          `${f(result.wait0.endToEndP99)} ms, WAIT 1 ${f(result.wait1.endToEndP50)}/${f(result.wait1.endToEndP99)} ms; ` +
          `non-202 ${result.wait0.refused}/${result.wait1.refused}`,
      );
    }
    writeBenchMarkdown(resultsMarkdown(rounds));
  } finally {
    await receiver.close();
    await Promise.all(nodes.map((node) => node.stop()));
    if (!process.env['BENCH_KEEP']) rmSync(workDir, { recursive: true, force: true });
    else console.log(`logs in ${workDir}`);
  }
  process.exit(0);
}

void main();
