// Benchmark (not a test): the ingest hop alone, Spaceport's gateway vs the baseline producers (ingest-cpu.run.ts).
// Run: node node_modules/vite-node/vite-node.mjs tools/bench/ingest-cpu.ts   (BENCH_EVENTS=N, default 4000; BENCH_ROUNDS=R, default 3)
// This entry re-runs the benchmark body under vite-node with vitest.config.ts, which provides the
// @spaceport/* aliases and SWC (Nest needs decorator metadata, which plain esbuild does not emit).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const result = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/vite-node/vite-node.mjs'), '--config', resolve(root, 'vitest.config.ts'), resolve(__dirname, 'ingest-cpu.run.ts')],
  { cwd: root, stdio: 'inherit', timeout: 15 * 60_000 },
);
process.exit(result.status ?? 1);
