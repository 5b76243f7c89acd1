// Benchmark (not a test): Spaceport's gateway → worker pipeline vs a plain BullMQ + undici baseline.
// Run: node node_modules/vite-node/vite-node.mjs tools/bench/eventing-throughput.ts   (BENCH_EVENTS=N, max 20000; BENCH_ROUNDS=R, default 3)
// The body (eventing-throughput.run.ts) runs under the workspace config (rerun-under-config.ts).
import { rerunUnderConfig } from './rerun-under-config';

rerunUnderConfig('eventing-throughput.run.ts');
