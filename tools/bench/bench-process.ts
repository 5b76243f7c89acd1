// Benchmark helpers shared by the benchmarks that start processes (not a test).

/**
 * BENCH_PRELOAD=<abs path of a preload> (with BENCH_KEEP=1) `--import`s it into every process, writing
 * into `workDir`, named after `label` (the apps use their NODE_ID): cpu-profile-preload.mjs (a V8
 * profile; PROF_INTERVAL_US samples) or event-loop-preload.mjs (loop utilization, delay, GC per s).
 */
export function profilingEnv(workDir: string, label?: string): Record<string, string> {
  const preload = process.env['BENCH_PRELOAD'];
  if (!preload) return {};
  return { NODE_OPTIONS: `--import ${preload}`, PROF_DIR: workDir, PROF_INTERVAL_US: process.env['PROF_INTERVAL_US'] ?? '1000', ...(label ? { NODE_ID: label } : {}) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
