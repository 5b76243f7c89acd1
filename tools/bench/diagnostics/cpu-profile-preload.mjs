// Benchmark helper (not a test): `--import` this (BENCH_PRELOAD=<this file>) to write a V8 CPU
// profile of the process to $PROF_DIR/<NODE_ID>-<pid>.cpuprofile when it gets SIGTERM or exits.
// (NODE_OPTIONS may not carry --cpu-prof, and AppStack starts the apps without extra node flags.)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
session.post('Profiler.enable', () =>
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROF_INTERVAL_US ?? 1000) }, () =>
    session.post('Profiler.start'),
  ),
);
let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (error || !result) return;
    const file = `${process.env.PROF_DIR ?? '.'}/${process.env.NODE_ID ?? 'node'}-${process.pid}.cpuprofile`;
    writeFileSync(file, JSON.stringify(result.profile));
  });
}
process.on('SIGTERM', writeProfile);
process.on('exit', writeProfile);
