// `npm run bench`: runs benchmarks (benchmarks.ts), one after the other, each in its own process group and
// bounded in time, and rewrites each one's results block in docs/benchmarks.md (between the
// `<!-- bench:<name> -->` markers; the prose stays). A benchmark writes its block to the file named by
// BENCH_MARKDOWN; one that fails, times out or writes no block leaves its old block, and the exit code is 1.
//   npm run bench                              every results benchmark, full size (not the diagnostics)
//   npm run bench -- <name> [<name> ...]       the named benchmarks or diagnostics
//   npm run bench -- <name> --quick            small sizes to check the wiring: blocks printed, no document touched
//   npm run bench -- <name> --doc <file>       blocks into <file> instead of docs/benchmarks.md
// BENCH_* variables in the environment reach the benchmark (its size and options; docs/benchmarks.md).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBlockNames, replaceBenchBlock } from './bench-markdown';
import { type Benchmark, ROOT, selectBenchmarks, viteNodeArgs } from './benchmarks';

const DEFAULT_DOC = join(ROOT, 'docs', 'benchmarks.md');

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
    const child = spawn(process.execPath, viteNodeArgs(join(ROOT, 'tools/bench', bench.file)), {
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

interface Outcome {
  readonly ok: boolean;
  readonly line: string;
}

/** Runs `bench`, then puts its block into `doc` (or prints it when `doc` is undefined). */
async function runAndRecord(bench: Benchmark, quick: boolean, dir: string, doc: string | undefined): Promise<Outcome> {
  console.info(`\n==== ${bench.name}${quick ? ' (quick)' : ''} ====`);
  const file = join(dir, `${bench.name}.md`);
  writeFileSync(file, '');
  const started = Date.now();
  const result = await runOne(bench, quick, file);
  const markdown = readFileSync(file, 'utf8').trim();
  const took = `${Math.round((Date.now() - started) / 1000)} s`;
  if (result !== 'ok' || markdown === '') {
    const why = result === 'ok' ? 'wrote no results (BENCH_MARKDOWN)' : result;
    return { ok: false, line: `${bench.name}: ${why}; block kept (${took})` };
  }
  if (doc === undefined) {
    console.info(`\n${markdown}`);
    return { ok: true, line: `${bench.name}: block printed above, no document touched (${took})` };
  }
  // re-read: the document may have been edited while the benchmark ran
  writeFileSync(doc, replaceBenchBlock(readFileSync(doc, 'utf8'), bench.name, markdown));
  return { ok: true, line: `${bench.name}: ${doc} updated (${took})` };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      doc: { type: 'string' },
    },
  });
  const chosen = selectBenchmarks(positionals);
  // a quick run checks the wiring: its figures go nowhere unless a document is named
  const doc = values.doc !== undefined ? resolve(values.doc) : values.quick ? undefined : DEFAULT_DOC;
  if (doc !== undefined) {
    const marked = benchBlockNames(readFileSync(doc, 'utf8'));
    const unmarked = chosen.map((b) => b.name).filter((name) => !marked.includes(name));
    if (unmarked.length > 0) throw new Error(`${doc} has no <!-- bench:… --> block for ${unmarked.join(', ')}`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'spaceport-bench-'));
  const outcomes: Outcome[] = [];
  try {
    for (const bench of chosen) outcomes.push(await runAndRecord(bench, values.quick, dir, doc));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.info(`\n${outcomes.map((outcome) => outcome.line).join('\n')}`);
  if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = 1;
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
