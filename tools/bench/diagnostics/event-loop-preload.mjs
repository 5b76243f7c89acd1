// Benchmark helper (not a test): `--import` this (BENCH_PRELOAD=<this file>) to append, every second,
// the process's event-loop utilization, event-loop delay percentiles and GC pauses to
// $PROF_DIR/loop-<NODE_ID>-<pid>.log: whether a process is saturated and whether GC pauses stall it.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const file = `${process.env.PROF_DIR ?? '.'}/loop-${process.env.NODE_ID ?? 'node'}-${process.pid}.log`;
const gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let since = performance.eventLoopUtilization();
const ms = (ns) => (ns / 1e6).toFixed(1);
setInterval(() => {
  const utilization = performance.eventLoopUtilization(since).utilization;
  since = performance.eventLoopUtilization();
  appendFileSync(
    file,
    `${new Date().toISOString()} utilization ${utilization.toFixed(2)}; loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms;` +
      ` GC ${gc.count} pauses, ${gc.totalMs.toFixed(0)} ms, longest ${gc.maxMs.toFixed(1)} ms\n`,
  );
  delay.reset();
  Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
}, 1000).unref();
