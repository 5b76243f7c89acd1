// The benchmarks `npm run bench` knows (run-all.ts), and how a TypeScript file of the repository is run.
// Each benchmark is one file, started as its own process under vite-node with the workspace config; its
// size comes from BENCH_* environment variables (docs/benchmarks.md), and it writes its results block
// to the file named by BENCH_MARKDOWN.
import { join, resolve } from 'node:path';

/** The repository's root directory. */
export const ROOT = resolve(__dirname, '../..');

/**
 * `node` arguments that run `file` (a TypeScript file of the repository) under vite-node with the
 * workspace config: the `@spaceport/*` aliases, and SWC for Nest's decorator metadata. Every benchmark,
 * its helper processes and the cluster benchmark's worker children run this way.
 */
export function viteNodeArgs(file: string, ...args: string[]): string[] {
  return [
    join(ROOT, 'node_modules/vite-node/vite-node.mjs'),
    '--config',
    join(ROOT, 'vitest.config.ts'),
    file,
    ...args,
  ];
}

export interface Benchmark {
  /** the name on the command line and in the `<!-- bench:<name> -->` markers of docs/benchmarks.md */
  readonly name: string;
  /** the file, relative to tools/bench */
  readonly file: string;
  /** a per-hop diagnostic: run only when named, not by a bare `npm run bench` */
  readonly diagnostic?: boolean;
  /** the environment of `--quick` (small sizes, to check the wiring) */
  readonly quickEnv: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const minutes = (n: number): number => n * 60_000;

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'eventing-throughput',
    file: 'eventing-throughput.ts',
    quickEnv: { BENCH_EVENTS: '2000', BENCH_ROUNDS: '1' },
    timeoutMs: minutes(15),
  },
  {
    name: 'idle-cpu',
    file: 'idle-cpu.ts',
    quickEnv: { BENCH_IDLE_SECONDS: '5', BENCH_ROUNDS: '1' },
    timeoutMs: minutes(10),
  },
  {
    name: 'config-propagation',
    file: 'config-propagation.ts',
    quickEnv: { BENCH_CHANGES: '50' },
    timeoutMs: minutes(5),
  },
  {
    name: 'cluster-failover',
    file: 'cluster-failover.ts',
    quickEnv: { BENCH_ROUNDS: '1' },
    timeoutMs: minutes(10),
  },
  {
    name: 'cluster-scaling',
    file: 'cluster-scaling.ts',
    quickEnv: { BENCH_EVENTS: '3000' },
    timeoutMs: minutes(10),
  },
  {
    name: 'redis-cluster-spread',
    file: 'redis-cluster-spread.ts',
    quickEnv: { BENCH_SECONDS: '3', BENCH_RATE: '300' },
    timeoutMs: minutes(10),
  },
  {
    name: 'redis-memory',
    file: 'redis-memory.ts',
    quickEnv: { BENCH_EVENTS: '3000', BENCH_MAX_COUNT: '1000' },
    timeoutMs: minutes(10),
  },
  {
    name: 'redis-wait',
    file: 'redis-wait.ts',
    quickEnv: { BENCH_ROUNDS: '1', BENCH_SLICES: '1' },
    timeoutMs: minutes(10),
  },
  {
    name: 'redis-failover',
    file: 'redis-failover.ts',
    quickEnv: { BENCH_ROUNDS: '1' },
    timeoutMs: minutes(25),
  },
  {
    name: 'ingest-cpu',
    file: 'diagnostics/ingest-cpu.ts',
    diagnostic: true,
    quickEnv: { BENCH_EVENTS: '1000', BENCH_ROUNDS: '1' },
    timeoutMs: minutes(10),
  },
  {
    name: 'delivery-drain',
    file: 'diagnostics/delivery-drain.ts',
    diagnostic: true,
    quickEnv: { BENCH_EVENTS: '2000', BENCH_ROUNDS: '1' },
    timeoutMs: minutes(10),
  },
];

/**
 * The benchmarks to run for the names on the command line, in the order of BENCHMARKS: every results
 * benchmark when no name is given (diagnostics only by name). Throws on an unknown name.
 */
export function selectBenchmarks(names: readonly string[], all: readonly Benchmark[] = BENCHMARKS): Benchmark[] {
  const unknown = names.filter((name) => !all.some((bench) => bench.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
  return names.length === 0 ? all.filter((bench) => !bench.diagnostic) : all.filter((b) => names.includes(b.name));
}
