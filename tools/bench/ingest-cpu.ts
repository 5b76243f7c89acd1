// Benchmark (not a test): the ingest hop alone, Spaceport's gateway vs the baseline producers (ingest-cpu.run.ts).
// Run: node node_modules/vite-node/vite-node.mjs tools/bench/ingest-cpu.ts   (BENCH_EVENTS=N, default 4000; BENCH_ROUNDS=R, default 3)
// The body runs under the workspace config (rerun-under-config.ts).
import { rerunUnderConfig } from './rerun-under-config';

rerunUnderConfig('ingest-cpu.run.ts');
