// `npm run bench`: runs every benchmark, one after the other, each bounded in time, and rewrites its
// results block in docs/benchmarks.md (between `<!-- bench:<name> -->` markers; the prose stays).
// Each benchmark writes its block to the file named by BENCH_MARKDOWN. A benchmark that fails, times
// out or writes no block leaves its old block in place; the exit code is then 1.
//   npm run bench                                  every benchmark, full size (about 25-35 min on 2 cores)
//   npm run bench -- --only cluster-failover --quick --doc /tmp/benchmarks.md   (a trial run on a copy)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBlockNames, replaceBenchBlock } from './bench-markdown';

const ROOT = resolve(__dirname, '../..');
const DEFAULT_DOC = join(ROOT, 'docs', 'benchmarks.md');
const VITE_NODE = join(ROOT, 'node_modules/vite-node/vite-node.mjs');

interface Benchmark {
  name: string;
  /** arguments after `node`, full size and quick */
  args: string[];
  quickArgs: string[];
  quickEnv?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

const withConfig = (script: string, ...args: string[]): string[] => [
  VITE_NODE,
  '--config',
  join(ROOT, 'vitest.config.ts'),
  join(ROOT, script),
  ...args,
];
/** An entry that re-runs itself under vite-node with the config (rerun-under-config.ts), full size and quick alike. */
const rerunning = (script: string): Pick<Benchmark, 'args' | 'quickArgs'> => ({
  args: [VITE_NODE, join(ROOT, script)],
  quickArgs: [VITE_NODE, join(ROOT, script)],
});

const BENCHMARKS: Benchmark[] = [
  {
    name: 'config-propagation',
    args: withConfig('tools/bench/config-propagation.ts', '200'),
    quickArgs: withConfig('tools/bench/config-propagation.ts', '50'),
    timeoutMs: 5 * 60_000,
  },
  {
    name: 'eventing-throughput',
    ...rerunning('tools/bench/eventing-throughput.ts'),
    quickEnv: { BENCH_EVENTS: '2000', BENCH_ROUNDS: '1' },
    timeoutMs: 15 * 60_000,
  },
  {
    name: 'ingest-cpu',
    ...rerunning('tools/bench/ingest-cpu.ts'),
    quickEnv: { BENCH_EVENTS: '1000', BENCH_ROUNDS: '1' },
    timeoutMs: 10 * 60_000,
  },
  {
    name: 'delivery-drain',
    ...rerunning('tools/bench/delivery-drain.ts'),
    quickEnv: { BENCH_EVENTS: '2000', BENCH_ROUNDS: '1' },
    timeoutMs: 10 * 60_000,
  },
  {
    name: 'idle-cpu',
    args: withConfig('tools/bench/idle-cpu.ts'),
    quickArgs: withConfig('tools/bench/idle-cpu.ts'),
    quickEnv: { BENCH_IDLE_SECONDS: '5', BENCH_ROUNDS: '1' },
    timeoutMs: 10 * 60_000,
  },
  {
    name: 'delivery-path',
    args: withConfig('tools/bench/delivery-path.ts', '1000'),
    quickArgs: withConfig('tools/bench/delivery-path.ts', '200'),
    timeoutMs: 5 * 60_000,
  },
  {
    name: 'ledger-batching',
    args: withConfig('tools/bench/ledger-batching.ts', '5000'),
    quickArgs: withConfig('tools/bench/ledger-batching.ts', '500'),
    timeoutMs: 5 * 60_000,
  },
  {
    name: 'webhook-attempt',
    args: withConfig('tools/bench/webhook-attempt.ts', '1500'),
    quickArgs: withConfig('tools/bench/webhook-attempt.ts', '300'),
    timeoutMs: 5 * 60_000,
  },
  {
    name: 'cluster-failover',
    args: withConfig('tools/bench/cluster-failover.ts', '5'),
    quickArgs: withConfig('tools/bench/cluster-failover.ts', '1'),
    timeoutMs: 10 * 60_000,
  },
  {
    name: 'cluster-scaling',
    args: withConfig('tools/bench/cluster-scaling.ts', '10000'),
    quickArgs: withConfig('tools/bench/cluster-scaling.ts', '3000'),
    timeoutMs: 10 * 60_000,
  },
];

let running: number | undefined;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** Runs one benchmark in its own process group, so a timeout or Ctrl-C also ends the processes it started. */
function runOne(bench: Benchmark, quick: boolean, markdownFile: string): Promise<string> {
  return new Promise((done) => {
    const child = spawn(process.execPath, quick ? bench.quickArgs : bench.args, {
      cwd: ROOT,
      stdio: 'inherit',
      detached: true,
      env: { ...process.env, ...(quick ? bench.quickEnv : {}), BENCH_MARKDOWN: markdownFile },
    });
    running = child.pid;
    const timer = setTimeout(() => {
      console.error(`bench: ${bench.name} exceeded ${bench.timeoutMs / 60_000} min; stopping it`);
      if (child.pid !== undefined) killGroup(child.pid);
    }, bench.timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running = undefined;
      done(code === 0 ? 'ok' : `exited with ${signal ?? code}`);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      running = undefined;
      done(`could not start: ${error.message}`);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      doc: { type: 'string', default: DEFAULT_DOC },
    },
  });
  const DOC = resolve(values.doc);
  const known = BENCHMARKS.map((b) => b.name);
  const only = values.only
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = (only ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new Error(`--only: unknown benchmark(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const marked = benchBlockNames(readFileSync(DOC, 'utf8'));
  const unmarked = known.filter((name) => !marked.includes(name));
  if (unmarked.length > 0) throw new Error(`${DOC} has no <!-- bench:… --> block for ${unmarked.join(', ')}`);

  const dir = mkdtempSync(join(tmpdir(), 'spaceport-bench-'));
  const outcomes: string[] = [];
  try {
    for (const bench of BENCHMARKS.filter((b) => !only || only.includes(b.name))) {
      console.info(`\n==== ${bench.name}${values.quick ? ' (quick)' : ''} ====`);
      const file = join(dir, `${bench.name}.md`);
      writeFileSync(file, '');
      const started = Date.now();
      const result = await runOne(bench, values.quick, file);
      const markdown = readFileSync(file, 'utf8').trim();
      const seconds = Math.round((Date.now() - started) / 1000);
      if (result !== 'ok' || markdown === '') {
        outcomes.push(
          `${bench.name}: ${result === 'ok' ? 'wrote no results (BENCH_MARKDOWN)' : result}; block kept (${seconds} s)`,
        );
        continue;
      }
      // re-read: the document may have been edited while the benchmark ran
      writeFileSync(DOC, replaceBenchBlock(readFileSync(DOC, 'utf8'), bench.name, markdown));
      outcomes.push(`${bench.name}: ${DOC} updated (${seconds} s)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.info(`\n${outcomes.join('\n')}`);
  if (outcomes.some((line) => !line.includes('updated'))) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (running !== undefined) killGroup(running);
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
