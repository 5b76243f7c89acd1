// Benchmark (not a test): what an idle deployment costs — CPU ms per second of every process of a
// standalone Spaceport stack (config-service, gateway, one event-worker on the default 32 partitions,
// one project with one trigger, default settings) with no traffic, against the raw baseline's two
// processes (tools/bench/baseline-producer.ts, baseline-worker.ts: one BullMQ queue) idle beside the
// same Redis, and Redis commands per second of each. Rounds alternate the order.
// Run: npm run bench -- idle-cpu   (BENCH_IDLE_SECONDS=s measured per path, default 30, after 20 s to
// settle; BENCH_ROUNDS=R, default 2)
import { join } from 'node:path';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import {
  BENCH_ADMIN_TOKEN,
  BENCH_READ_TOKEN,
  configureBenchProject,
  median,
  profilingEnv,
  runBenchWithRedis,
  runRound,
  startHelper,
} from './bench-process';
import { AppStack } from './testing-harness';
import { commandCounts, cpuMsOf, totalPerEvent } from './usage-counters';

const SECONDS = Math.min(Math.max(5, Number(process.env['BENCH_IDLE_SECONDS'] ?? 30)), 300);
const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 2)), 9);
const SETTLE_MS = 20_000;

type Path = 'raw' | 'spaceport';
/** CPU ms/s per process (Redis included), and Redis commands per second. */
interface Idle {
  readonly perProcess: Record<string, number>;
  readonly redisCommandsPerSecond: number;
}

const total = (idle: Idle): number => Object.values(idle.perProcess).reduce((sum, ms) => sum + ms, 0);

/** After SETTLE_MS, CPU ms per second of each pid and Redis commands per second over SECONDS. */
async function measureIdle(redisUrl: string, pids: Record<string, number | undefined>): Promise<Idle> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMsOf(pid)]));
  const commandsBefore = await commandCounts(redisUrl);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const commandsAfter = await commandCounts(redisUrl);
  const perProcess = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, (cpuMsOf(pid) - (before[name] ?? 0)) / SECONDS]),
  );
  // the two INFO calls of the measurement itself are left in: 2 commands over SECONDS
  return { perProcess, redisCommandsPerSecond: totalPerEvent(commandsBefore, commandsAfter, SECONDS) };
}

async function raw(workDir: string, redisUrl: string, redisPid: number | undefined): Promise<Idle> {
  const common = { REDIS_URL: redisUrl, QUEUE: 'idle-raw', PROTOCOL: '0' };
  const worker = await startHelper(workDir, 'baseline-worker', 'raw-worker', {
    ...common,
    TARGET_URL: 'http://127.0.0.1:9/none',
    CONCURRENCY: '64',
  });
  const producer = await startHelper(workDir, 'baseline-producer', 'raw-producer', common);
  try {
    return await measureIdle(redisUrl, { producer: producer.proc.pid, worker: worker.proc.pid, redis: redisPid });
  } finally {
    await producer.proc.stop(3_000);
    await worker.proc.stop(3_000);
  }
}

async function spaceport(workDir: string, redisUrl: string, redisPid: number | undefined): Promise<Idle> {
  const stack = new AppStack({
    workDir,
    redisUrl,
    clusterId: 'idle',
    configPath: join(workDir, 'spaceport.yaml'),
    adminToken: BENCH_ADMIN_TOKEN,
    readToken: BENCH_READ_TOKEN,
    heartbeat: '1s', // the default
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', ...profilingEnv(workDir) },
  });
  try {
    const configService = await stack.launch('config-service', 'config-service');
    const gateway = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('gateway holds a config', (s) => s.status === 'ready');
    await configureBenchProject(gateway.url, 'http://127.0.0.1:9/none');
    const worker = await stack.launch('event-worker', 'worker-1');
    await stack.waitForMirrors(
      'trigger mirrored',
      (s) => s.config.projects['shop']?.triggers['bench'] !== undefined,
      15_000,
    );
    const pids = {
      'config-service': configService.proc.pid,
      gateway: gateway.proc.pid,
      worker: worker.proc.pid,
      redis: redisPid,
    };
    return await measureIdle(redisUrl, pids);
  } finally {
    await stack.stopAll();
  }
}

function describe(idle: Idle): string {
  const processes = Object.entries(idle.perProcess)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
    .join(', ');
  return `${processes} (total ${total(idle).toFixed(1)}) CPU ms/s; Redis ${idle.redisCommandsPerSecond.toFixed(1)} commands/s`;
}

function resultsMarkdown(rounds: readonly Record<Path, Idle>[]): string {
  const row = (label: string, path: Path): string => {
    const names = Object.keys(rounds[0]![path].perProcess);
    const processes = names
      .map((name) => `${name} ${median(rounds.map((r) => r[path].perProcess[name] ?? NaN)).toFixed(1)}`)
      .join(', ');
    return `| ${label} | ${processes} | ${median(rounds.map((r) => total(r[path]))).toFixed(1)} | ${median(rounds.map((r) => r[path].redisCommandsPerSecond)).toFixed(1)} |`;
  };
  return [
    `Result (${benchEnvironment()}; ${rounds.length} round${rounds.length === 1 ? '' : 's'}, ${SECONDS} s idle per path after ${SETTLE_MS / 1000} s to settle; medians):`,
    '',
    '| idle deployment | CPU ms per second, per process | total | Redis commands/s |',
    '|---|---|---|---|',
    row('raw baseline: producer + BullMQ worker (1 queue)', 'raw'),
    row('Spaceport standalone: config-service, gateway, event-worker (32 partitions)', 'spaceport'),
    '',
    `Spaceport ÷ raw, total idle CPU, every round: ${rounds.map((r) => (total(r.spaceport) / total(r.raw)).toFixed(1)).join(', ')}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  await runBenchWithRedis('spaceport-bench-idle-', async (workDir, redis) => {
    const rounds: Record<Path, Idle>[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const paths: Record<Path, () => Promise<Idle>> = {
        raw: () => raw(workDir, redis.url, redis.process.pid),
        spaceport: () => spaceport(workDir, redis.url, redis.process.pid),
      };
      const results = await runRound(round, ['raw', 'spaceport'], paths, redis.url, (path, idle) =>
        console.log(`round ${round}, ${path}: ${describe(idle)}`),
      );
      rounds.push(results as Record<Path, Idle>);
    }
    writeBenchMarkdown(resultsMarkdown(rounds));
  });
}

void main();
