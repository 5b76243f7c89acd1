// Per-hop diagnostic (not a test): the ingest hop alone — CPU per accepted event of Spaceport's built
// gateway (`POST /v1/api/<project>/eventing/queue`) against the two baseline producers (tools/bench/
// baseline-producer.ts: raw = one BullMQ add; minimal once-only = add + one event-log HSET), with no
// worker running, so nothing else competes for the two cores. N events per path and round, 64 in
// flight; rounds alternate the order.
// Run: npm run bench -- ingest-cpu   (BENCH_EVENTS=N, default 4000; BENCH_ROUNDS=R, default 3;
// BENCH_PATHS=gateway,protocol runs some paths, without a results block; BENCH_PRELOAD: bench-process.ts)
import { join } from 'node:path';
import { Agent } from 'undici';
import { benchEnvironment, writeBenchMarkdown } from '../bench-markdown';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_PROJECT_TOKEN,
  BENCH_READ_TOKEN,
  configureBenchProject,
  median,
  profilingEnv,
  runBenchWithRedis,
  runRound,
  startHelper,
} from '../bench-process';
import { BATCH, baselineIngest, IN_FLIGHT, type Ingest, poster, sendAll, spaceportIngest } from '../eventing-load';
import { AppStack } from '../testing-harness';
import { cpuMsOf } from '../usage-counters';

const N = Math.min(Number(process.env['BENCH_EVENTS'] ?? 4000), 20_000);
const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3)), 9);

type Path = 'raw' | 'protocol' | 'gateway';
type Measured = { readonly cpuMs: number; readonly rate: number };

/** The results block of docs/benchmarks.md: the median CPU per event of each path, and every round's ratios. */
function resultsMarkdown(rounds: readonly Record<Path, Measured>[]): string {
  const paths: [Path, string][] = [
    ['raw', 'raw producer: node:http + BullMQ add'],
    ['protocol', 'minimal once-only producer: raw + event-log HSET'],
    ['gateway', 'Spaceport gateway: token, schema, fan-out, event log, add'],
  ];
  const row = ([path, label]: [Path, string]): string =>
    `| ${label} | ${median(rounds.map((r) => r[path].cpuMs)).toFixed(3)} ms | ${rounds.map((r) => r[path].cpuMs.toFixed(3)).join(', ')} | ${median(rounds.map((r) => r[path].rate)).toFixed(0)} |`;
  const ratios = (base: Path): string => rounds.map((r) => (r.gateway.cpuMs / r[base].cpuMs).toFixed(2)).join(', ');
  return [
    `Result (${benchEnvironment()}; ${rounds.length} round${rounds.length === 1 ? '' : 's'} of ${N} events, ${BATCH === 1 ? `${IN_FLIGHT} in flight` : `${BATCH} per request (batch form)`}, no worker running):`,
    '',
    '| ingest process | CPU per event (median) | every round | events/s (median) |',
    '|---|---|---|---|',
    ...paths.map(row),
    '',
    `Gateway ÷ raw producer: ${ratios('raw')}; gateway ÷ minimal once-only producer: ${ratios('protocol')}.`,
  ].join('\n');
}

/** CPU ms per event of the ingest process `pid`, and events/s, over N events after a 500-event warm-up. */
async function drive(ingest: Ingest, pid: number | undefined): Promise<Measured> {
  const client = new Agent({ keepAliveTimeout: 30_000, connections: IN_FLIGHT });
  const send = poster(ingest, client);
  try {
    await sendAll(500, send);
    const cpuBefore = cpuMsOf(pid);
    const t0 = performance.now();
    await sendAll(N, send);
    const seconds = (performance.now() - t0) / 1000;
    return { cpuMs: (cpuMsOf(pid) - cpuBefore) / N, rate: N / seconds };
  } finally {
    await client.close();
  }
}

async function producer(workDir: string, redisUrl: string, kind: 'raw' | 'protocol'): Promise<Measured> {
  const env = { REDIS_URL: redisUrl, QUEUE: `ingest-${kind}`, PROTOCOL: kind === 'protocol' ? '1' : '0' };
  const { proc, url } = await startHelper(workDir, 'baseline-producer', `${kind}-producer`, env);
  try {
    return await drive(baselineIngest(url), proc.pid);
  } finally {
    await proc.stop(3_000);
  }
}

async function gateway(workDir: string, redisUrl: string): Promise<Measured> {
  const stack = new AppStack({
    workDir,
    redisUrl,
    clusterId: 'ingest',
    configPath: join(workDir, 'spaceport.yaml'),
    adminToken: BENCH_ADMIN_TOKEN,
    readToken: BENCH_READ_TOKEN,
    heartbeat: '1s',
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', ...profilingEnv(workDir) },
  });
  try {
    await stack.launch('config-service', 'config-service');
    const app = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('gateway holds a config', (s) => s.status === 'ready');
    await configureBenchProject(app.url, 'http://127.0.0.1:9/none');
    await stack.waitForMirrors(
      'trigger mirrored',
      (s) => s.config.projects['shop']?.triggers['bench'] !== undefined,
      15_000,
    );
    return await drive(spaceportIngest(app.url, BENCH_PROJECT_TOKEN), app.proc.pid);
  } finally {
    await stack.stopAll();
  }
}

async function main(): Promise<void> {
  await runBenchWithRedis('spaceport-bench-ingest-', async (workDir, redis) => {
    const complete: Record<Path, Measured>[] = [];
    const chosen = (process.env['BENCH_PATHS'] ?? 'raw,protocol,gateway').split(',');
    const order = (['raw', 'protocol', 'gateway'] as Path[]).filter((path) => chosen.includes(path));
    for (let round = 1; round <= ROUNDS; round += 1) {
      const paths = {
        raw: () => producer(workDir, redis.url, 'raw'),
        protocol: () => producer(workDir, redis.url, 'protocol'),
        gateway: () => gateway(workDir, redis.url),
      };
      const results = await runRound(round, order, paths, redis.url);
      const line = Object.entries(results)
        .map(([path, r]) => `${path} ${r.cpuMs.toFixed(3)} ms/event (${r.rate.toFixed(0)} ev/s)`)
        .join(', ');
      const ratio = (base: 'raw' | 'protocol'): string =>
        results.gateway && results[base] ? (results.gateway.cpuMs / results[base].cpuMs).toFixed(2) : '-';
      console.log(`round ${round}: ${line}; gateway ÷ minimal ${ratio('protocol')}×, ÷ raw ${ratio('raw')}×`);
      if (results.raw && results.protocol && results.gateway)
        complete.push({ raw: results.raw, protocol: results.protocol, gateway: results.gateway });
    }
    if (complete.length === ROUNDS) writeBenchMarkdown(resultsMarkdown(complete));
  });
}

void main();
