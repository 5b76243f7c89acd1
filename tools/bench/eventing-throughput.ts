// Benchmark (not a test): events through Spaceport's built processes — gateway (queue API) → Redis/
// BullMQ partition queue → event-worker → a local receiver — against two baselines of two processes
// each (bench-process.ts `startBaseline`: raw BullMQ + undici, and the minimal once-only path). The
// load generator and the receiver run in this process for every path; figures are ratios within a round.
// Run: npm run bench -- eventing-throughput   (BENCH_EVENTS=N, max 20000; BENCH_ROUNDS=R, default 3;
// more options in docs/benchmarks.md)
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import {
  BENCH_PROJECT_TOKEN,
  launchBenchStack,
  median,
  runBenchWithRedis,
  runRound,
  startBaseline,
} from './bench-process';
import { WebhookReceiver } from './testing-harness';
import { commandCounts, commandsPerEvent, commandTable, cpuMsOf, perEvent, totalPerEvent } from './usage-counters';
import {
  BATCH,
  baselineIngest,
  IN_FLIGHT,
  measure,
  PACED_SECONDS,
  RATE,
  type RunResult,
  spaceportIngest,
} from './eventing-load';

const N = Math.min(Number(process.env['BENCH_EVENTS'] ?? 3000), 20_000);

interface CountedResult extends RunResult {
  /** CPU ms per event of each process, in the order given */
  readonly cpuMsPerEvent: readonly (readonly [string, number])[];
  readonly redisCommandsPerEvent: number;
  /** Redis commands per event by command name */
  readonly commands: ReadonlyMap<string, number>;
}

/** Runs `run`; prints the Redis commands and the CPU ms per event of each process (`pids`) it caused. */
async function counted(
  redisUrl: string,
  label: string,
  pids: Record<string, number | undefined>,
  run: () => Promise<RunResult>,
): Promise<CountedResult> {
  const before = await commandCounts(redisUrl);
  const cpuBefore = Object.entries(pids).map(([name, pid]) => [name, pid, cpuMsOf(pid)] as const);
  const result = await run();
  const after = await commandCounts(redisUrl);
  const cpuMsPerEvent = cpuBefore.map(([name, pid, at]) => [name, (cpuMsOf(pid) - at) / result.events] as const);
  console.log(`${label}: ${perEvent(before, after, result.events)}`);
  console.log(`${label}: CPU ms/event: ${cpuMsPerEvent.map(([name, ms]) => `${name} ${ms.toFixed(3)}`).join(', ')}`);
  return {
    ...result,
    cpuMsPerEvent,
    redisCommandsPerEvent: totalPerEvent(before, after, result.events),
    commands: commandsPerEvent(before, after, result.events),
  };
}

const cpuTotal = (r: CountedResult): number =>
  r.cpuMsPerEvent.filter(([name]) => name !== 'bench').reduce((sum, [, ms]) => sum + ms, 0);

interface Round {
  readonly raw: CountedResult;
  readonly protocol: CountedResult;
  readonly sp: CountedResult;
}

const cpuRatio = (path: CountedResult, base: CountedResult): number => cpuTotal(path) / cpuTotal(base);
const throughputRatio = (path: CountedResult, base: CountedResult): number => path.rate / base.rate;

/** The results block of docs/benchmarks.md (`npm run bench`): the median round, then every round's ratios. */
function resultsMarkdown(rounds: readonly Round[], loadAtStart: string): string {
  const cpu = (r: CountedResult): string =>
    r.cpuMsPerEvent
      .filter(([name]) => name !== 'bench')
      .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
      .join(', ');
  const row = (path: string, r: CountedResult): string =>
    `| ${path} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${cpu(r)} (total ${cpuTotal(r).toFixed(2)}) | ${r.redisCommandsPerEvent.toFixed(1)} |`;
  const byCpu = [...rounds].sort((x, y) => cpuRatio(x.sp, x.raw) - cpuRatio(y.sp, y.raw));
  const typical = byCpu[Math.floor((byCpu.length - 1) / 2)]!;
  const ratios = (f: (round: Round) => number): string =>
    `${rounds.map((round) => f(round).toFixed(2)).join(', ')} (median ${median(rounds.map(f)).toFixed(2)}×)`;
  const ms = (f: (round: Round) => number): string => rounds.map((round) => f(round).toFixed(1)).join(', ');
  const perRequest =
    BATCH === 1
      ? 'one event per ingest request'
      : `${BATCH} events per ingest request: Spaceport's \`queue/batch\`, the baselines' \`addBulk\``;
  return [
    `Result (${benchEnvironment()}; load average at start ${loadAtStart}; ${rounds.length} rounds, the three paths back to back in alternating order, fresh processes each;` +
      ` per round ${N} events for throughput, ${RATE * PACED_SECONDS} offered at ${RATE}/s; ${perRequest}). The round with the median CPU ratio:`,
    '',
    `| path | events/s | p50 @ ${RATE}/s | p99 @ ${RATE}/s | CPU ms/event | Redis commands/event |`,
    '|---|---|---|---|---|---|',
    row('raw baseline: node:http + BullMQ add → BullMQ worker → undici', typical.raw),
    row(
      'minimal once-only baseline: raw + event-log HSET, ledger claim, HMAC, sent record + invocation',
      typical.protocol,
    ),
    row('Spaceport: gateway → event-worker', typical.sp),
    '',
    'Every round:',
    `- Spaceport ÷ raw: throughput **${ratios((r) => throughputRatio(r.sp, r.raw))}**; CPU per event ${ratios((r) => cpuRatio(r.sp, r.raw))}`,
    `- minimal once-only ÷ raw: throughput ${ratios((r) => throughputRatio(r.protocol, r.raw))}; CPU per event ${ratios((r) => cpuRatio(r.protocol, r.raw))}`,
    `- Spaceport ÷ minimal once-only: throughput ${ratios((r) => throughputRatio(r.sp, r.protocol))}; CPU per event ${ratios((r) => cpuRatio(r.sp, r.protocol))}`,
    `- p50 / p99 at ${RATE}/s, ms: Spaceport ${ms((r) => r.sp.p50)} / ${ms((r) => r.sp.p99)}; raw ${ms((r) => r.raw.p50)} / ${ms((r) => r.raw.p99)};` +
      ` minimal once-only ${ms((r) => r.protocol.p50)} / ${ms((r) => r.protocol.p99)}`,
    `- Spaceport's p50 after ingest (gateway accept → receipt), ms: ${ms((r) => r.sp.deliveryP50 ?? NaN)}`,
  ].join('\n');
}

/** A baseline path (bench-process.ts `startBaseline`) through the same load generator. */
async function baseline(
  kind: 'raw' | 'protocol',
  workDir: string,
  redisUrl: string,
  redisPid: number | undefined,
  receiver: WebhookReceiver,
): Promise<CountedResult> {
  const path = await startBaseline(kind, workDir, redisUrl, `${receiver.url}/base`, IN_FLIGHT);
  try {
    const pids = {
      producer: path.producer.proc.pid,
      worker: path.worker.proc.pid,
      redis: redisPid,
      bench: process.pid,
    };
    return await counted(redisUrl, kind, pids, () => measure(receiver, baselineIngest(path.producer.url), N));
  } finally {
    await path.stop();
  }
}

async function spaceport(
  workDir: string,
  redisUrl: string,
  redisPid: number | undefined,
  receiver: WebhookReceiver,
): Promise<CountedResult> {
  const { stack, gateway, worker } = await launchBenchStack(workDir, redisUrl, 'bench', `${receiver.url}/sp`);
  try {
    const pids = { gateway: gateway.proc.pid, worker: worker.proc.pid, redis: redisPid, bench: process.pid };
    return await counted(redisUrl, 'spaceport', pids, () =>
      measure(receiver, spaceportIngest(gateway.url, BENCH_PROJECT_TOKEN), N),
    );
  } finally {
    await stack.stopAll();
  }
}

/** BENCH_ROUNDS (default 3, max 9): the machine drifts between runs, so each round measures the three paths back to back. */
const ROUNDS = Math.min(Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3)), 9);

async function main(): Promise<void> {
  await runBenchWithRedis('spaceport-bench-eventing-', async (workDir, redis) => {
    const receiver = await new WebhookReceiver().start();
    const load = (): string =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(', ');
    const f = (n: number): string => n.toFixed(1);
    try {
      const loadAtStart = load();
      console.log(`load average at start: ${loadAtStart}`);
      const rounds: Round[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        const roundDir = join(workDir, `round-${round}`);
        mkdirSync(roundDir);
        const runs: Record<keyof Round, () => Promise<CountedResult>> = {
          raw: () => baseline('raw', roundDir, redis.url, redis.process.pid, receiver),
          protocol: () => baseline('protocol', roundDir, redis.url, redis.process.pid, receiver),
          sp: () => spaceport(roundDir, redis.url, redis.process.pid, receiver),
        };
        const { raw, protocol, sp } = (await runRound(round, ['raw', 'protocol', 'sp'], runs, redis.url)) as Round;
        rounds.push({ raw, protocol, sp });
        const line = (name: string, r: CountedResult): string =>
          `${name} ${f(r.rate)} ev/s, p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, CPU ${cpuTotal(r).toFixed(2)} ms/event`;
        console.log(
          `round ${round}: ${line('raw', raw)}; ${line('once-only', protocol)}; ${line('spaceport', sp)} (p50 after ingest ${f(sp.deliveryP50 ?? NaN)} ms);` +
            ` spaceport/raw throughput ${throughputRatio(sp, raw).toFixed(2)}x, CPU ${cpuRatio(sp, raw).toFixed(2)}x`,
        );
      }
      console.log(
        `events per round: ${N} throughput (after 500 warm-up), ${RATE * PACED_SECONDS} paced at ${RATE}/s, ${BATCH} per request; load average at end: ${load()}`,
      );
      const last = rounds.at(-1)!;
      console.log(
        `\nRedis commands per event by command, round ${rounds.length} (commands inside scripts included):\n` +
          commandTable([
            ['raw', last.raw.commands],
            ['minimal once-only', last.protocol.commands],
            ['Spaceport', last.sp.commands],
          ]),
      );
      writeBenchMarkdown(resultsMarkdown(rounds, loadAtStart));
    } finally {
      await receiver.close();
    }
  });
}

void main();
