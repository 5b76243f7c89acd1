// When `npm start` restarts an event-worker that died, and when it gives up (tools/stack/supervisor.mjs).
// Pure: the supervisor measures how long the run lasted and keeps the count of crashes in a row.
//  - delay: 1 s, doubling per crash in a row, at most 30 s;
//  - a run that lasted at least 60 s was stable: its crash counts as the first in a row again;
//  - the 8th crash in a row (each run shorter than 60 s; about 91 s of restarting) stops the stack,
//    since a worker that dies at once every time has a cause to fix, not to wait out.

export const RESTART_POLICY = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  maxCrashesInRow: 8,
});

/**
 * After a crash: `{ crashesInRow, delayMs }` to restart after `delayMs`, or `{ crashesInRow, giveUp: true }`.
 * `crashesInRow`: the count before this crash; `ranForMs`: how long the run that just ended lasted.
 */
export function nextRestart(crashesInRow, ranForMs, policy = RESTART_POLICY) {
  const count = ranForMs >= policy.stableAfterMs ? 1 : crashesInRow + 1;
  if (count >= policy.maxCrashesInRow) return { crashesInRow: count, giveUp: true };
  return { crashesInRow: count, delayMs: Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (count - 1)) };
}

/** `exit code 1`, `signal SIGKILL`: how a child process ended, for a log line. */
export function describeExit(code, signal) {
  if (signal) return `signal ${signal}`;
  return `exit code ${code}`;
}
