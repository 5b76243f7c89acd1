// Benchmarks write their results as a markdown block; `npm run bench` (run-all.ts) puts each block
// into docs/benchmarks.md between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`, keeping the prose.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const markers = (name: string): { open: string; close: string } => ({
  open: `<!-- bench:${name} -->`,
  close: `<!-- /bench:${name} -->`,
});

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** The names of every marked block in `doc`, in order. */
export function benchBlockNames(doc: string): string[] {
  return [...doc.matchAll(/<!-- bench:([a-z0-9-]+) -->/g)].map((match) => match[1] ?? '');
}

/**
 * `doc` with the block of `name` replaced by `markdown` (pure). Throws when the markers are missing,
 * repeated or out of order, so a typo never appends a second copy or eats the prose.
 */
export function replaceBenchBlock(doc: string, name: string, markdown: string): string {
  if (!NAME.test(name)) throw new Error(`bench block name must match ${NAME}, got ${JSON.stringify(name)}`);
  const { open, close } = markers(name);
  if (count(doc, open) !== 1 || count(doc, close) !== 1) {
    throw new Error(
      `expected exactly one "${open}" and one "${close}" in the document, found ${count(doc, open)} and ${count(doc, close)}`,
    );
  }
  const start = doc.indexOf(open) + open.length;
  const end = doc.indexOf(close);
  if (end < start) throw new Error(`"${close}" comes before "${open}"`);
  const body = markdown.trim();
  if (body.includes('<!-- bench:') || body.includes('<!-- /bench:'))
    throw new Error(`the ${name} block must not contain bench markers`);
  return `${doc.slice(0, start)}\n${body}\n${doc.slice(end)}`;
}

/** One line on where and when a benchmark ran, to head its block. */
export function benchEnvironment(now = new Date()): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${now.toISOString().slice(0, 10)}, ${cpus().length} cores, load average ${load} at the end, Node ${process.version}`;
}

/** What the benchmark's Consul reports, e.g. `Consul v1.16.1` (the first line of `$CONSUL_BIN version`). */
export function consulVersion(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env['CONSUL_BIN'];
  if (!bin) throw new Error('CONSUL_BIN is not set (provisionIntoEnv() sets it)');
  return execFileSync(bin, ['version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
}

/** Writes the results block to the file named by `BENCH_MARKDOWN` (set by `npm run bench`); no-op otherwise. */
export function writeBenchMarkdown(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env['BENCH_MARKDOWN'];
  if (file) writeFileSync(file, `${markdown.trim()}\n`);
}
