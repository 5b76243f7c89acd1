// Benchmark (not a test): the delivery side alone, workers draining a backlog (delivery-drain.run.ts).
// Run: node node_modules/vite-node/vite-node.mjs tools/bench/delivery-drain.ts   (BENCH_EVENTS=N, default 6000; BENCH_ROUNDS=R, default 3)
// The body runs under the workspace config (rerun-under-config.ts).
import { rerunUnderConfig } from './rerun-under-config';

rerunUnderConfig('delivery-drain.run.ts');
