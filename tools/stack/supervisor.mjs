// The child processes of `npm start` (tools/stack/stack.mjs): starts them with prefixed logs, restarts
// an event-worker that dies (restart-policy.mjs) and each Redis process of a replicated topology (its own,
// slower policy: redis-stack.mjs), stops the whole stack when any other child dies (quoting the last line
// it wrote to stderr when it exited with a code: a refused start-up says why), and stops every child on
// SIGINT/SIGTERM — apps first, Consul and Redis last, all within 15 s.
//
// Signals through npm: npm 11 runs a script as `sh -c '<script>'` and forwards SIGINT/SIGTERM to that
// shell only, not to its process group. Debian's sh (dash) forks for `node …` rather than exec'ing, so
// the shell died of the forwarded signal, this process was orphaned, never heard of it and kept the
// stack running (a terminal's Ctrl-C worked only because the terminal signals the whole foreground
// process group). Hence `exec node tools/stack/stack.mjs` in package.json: the forwarded signal reaches
// this process. And, in case npm itself is killed (SIGKILL) or the script is run without `exec`, under
// npm this process also watches its parent and stops the stack when it is gone (watchParent).
import { spawn } from 'node:child_process';
import { logPrefix, relayLines } from './log-prefix.mjs';
import { describeExit, nextRestart, RESTART_POLICY } from './restart-policy.mjs';

/** An app gets this long after SIGTERM (the apps bound their own graceful stop at 8 s), then SIGKILL. */
const APP_GRACE_MS = 9_000;
/** Consul and Redis, once the apps are gone. */
const INFRA_GRACE_MS = 3_000;
/** After SIGKILL, how long to wait for the exit to be reported. */
const KILLED_WAIT_MS = 1_000;
const COLOURS = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];
const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;

const alive = (child) => child !== undefined && child.exitCode === null && child.signalCode === null;

function exitOf(child) {
  return new Promise((resolve) => {
    if (!alive(child)) resolve();
    else child.once('exit', () => resolve());
  });
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGTERM to every live child of `records`, SIGKILL to those still there after `graceMs`. */
async function stopAll(records, graceMs) {
  const live = records.map((record) => record.child).filter(alive);
  for (const child of live) child.kill('SIGTERM');
  await Promise.race([Promise.all(live.map(exitOf)), timeout(graceMs)]);
  const left = live.filter(alive);
  for (const child of left) child.kill('SIGKILL');
  await Promise.race([Promise.all(left.map(exitOf)), timeout(KILLED_WAIT_MS)]);
}

export class Supervisor {
  /** @param {{ cwd: string, cleanup?: () => void }} options; `cleanup` runs once every child is gone. */
  constructor({ cwd, cleanup }) {
    this.cwd = cwd;
    this.cleanup = cleanup;
    this.records = [];
    this.stopping = false;
  }

  /**
   * Starts `command` as child `name`. `restart`: an unexpected exit restarts it after `policy`'s delay
   * (event-workers; a replicated topology's Redis processes); otherwise it stops the stack. `infra`:
   * stopped after the apps (Consul, Redis).
   */
  run(name, command, args, env = {}, { restart = false, infra = false, policy = RESTART_POLICY } = {}) {
    if (this.stopping) throw new Error(`not starting ${name}: the stack is stopping`);
    const colour = COLOURS[this.records.length % COLOURS.length];
    const prefix = logPrefix(name, colour);
    const record = { name, command, args, env, restart, infra, policy, prefix, crashesInRow: 0, lastError: '' };
    this.records.push(record);
    this.spawn(record);
    return record;
  }

  spawn(record) {
    const child = spawn(record.command, record.args, {
      cwd: this.cwd,
      env: { ...process.env, ...record.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    record.child = child;
    record.startedAt = Date.now();
    relayLines(child.stdout, process.stdout, record.prefix);
    relayLines(child.stderr, process.stderr, record.prefix, (line) => (record.lastError = line));
    process.stdout.write(`${record.prefix}started (pid ${child.pid})\n`);
    let reported = false;
    const report = (code, signal) => {
      if (reported) return;
      reported = true;
      this.exited(record, code, signal);
    };
    child.once('exit', report);
    // a child that could not be started at all (e.g. ENOENT) emits 'error' and no 'exit'
    child.once('error', (error) => {
      process.stderr.write(`${record.prefix}${error.message}\n`);
      if (child.pid === undefined) report(1, null);
    });
  }

  exited(record, code, signal) {
    process.stdout.write(`${record.prefix}exited (${signal ?? code})\n`);
    if (this.stopping) return;
    const how = describeExit(code, signal);
    if (!record.restart) {
      const said = signal === null && record.lastError.trim() !== '' ? `: ${record.lastError.trim()}` : '';
      this.fail(`${record.name} exited unexpectedly (${how}${said}); stopping the stack`);
      return;
    }
    const ranForMs = Date.now() - record.startedAt;
    const next = nextRestart(record.crashesInRow, ranForMs, record.policy);
    record.crashesInRow = next.crashesInRow;
    if (next.giveUp) {
      this.fail(
        `${record.name} died ${next.crashesInRow} times in a row, each run shorter than ` +
          `${seconds(record.policy.stableAfterMs)} (last: ${how}); not restarting it again, stopping the stack`,
      );
      return;
    }
    process.stderr.write(
      `stack: ${record.name} exited unexpectedly (${how}) after ${seconds(ranForMs)}; ` +
        `restarting it in ${seconds(next.delayMs)} (crash ${next.crashesInRow} in a row)\n`,
    );
    record.timer = setTimeout(() => {
      record.timer = undefined;
      if (!this.stopping) this.spawn(record);
    }, next.delayMs);
  }

  fail(message) {
    process.stderr.write(`stack: ${message}\n`);
    void this.stop(1);
  }

  /** Stops every child (apps, then infrastructure), runs `cleanup`, exits with `code`. Once only. */
  async stop(code, reason) {
    if (this.stopping) return;
    this.stopping = true;
    const bound = seconds(APP_GRACE_MS + INFRA_GRACE_MS + 2 * KILLED_WAIT_MS);
    process.stdout.write(`stack: ${reason ? `${reason}; ` : ''}stopping every process (at most ${bound})\n`);
    for (const record of this.records) clearTimeout(record.timer);
    await stopAll(
      this.records.filter((r) => !r.infra),
      APP_GRACE_MS,
    );
    await stopAll(
      this.records.filter((r) => r.infra),
      INFRA_GRACE_MS,
    );
    const left = this.records.filter((r) => alive(r.child)).map((r) => `${r.name} (pid ${r.child.pid})`);
    if (left.length > 0) process.stderr.write(`stack: still running after SIGKILL: ${left.join(', ')}\n`);
    this.cleanup?.();
    process.stdout.write(`stack: stopped\n`);
    process.exit(code);
  }

  /** SIGINT and SIGTERM (Ctrl-C, `kill`, npm forwarding either) are a requested stop: exit 0. */
  handleSignals() {
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void this.stop(0, `${signal} received`));
  }

  /** Stops the stack once the parent process (npm) is gone: this process is then an orphan. */
  watchParent(intervalMs = 500) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void this.stop(1, `the parent process (pid ${parent}) is gone`);
    }, intervalMs).unref();
  }
}
