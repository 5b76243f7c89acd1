// `npm start` as a user runs it (issue 22): a real `npm` process running tools/stack/stack.mjs with real
// Consul, Redis and the built apps, on free ports and in a temp data dir. A SIGKILLed event-worker is
// restarted and delivers again; SIGTERM to the npm process stops every process of the stack within 15 s;
// a dying gateway stops the stack with a line naming it. Only PIDs this suite started are signalled.
// `--ignore-scripts` skips `prestart` (provision + build: `npm test` has done both) but runs `start`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBalancedOver, readCluster } from '../../apps/event-worker/src/testing-fixtures/cluster-probe';
import { LOCAL_ADMIN_TOKEN } from '../demo/demo-defaults.mjs';
import { processAlive, readStackState } from './stack-state.mjs';

const STOP_BOUND_MS = 15_000;
const started = new Set<number>();

/** Every descendant of `pid` (children, their children, …) with its command line, from `ps`. */
function descendants(pid: number): { pid: number; command: string }[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3] ?? '' }));
  const found: { pid: number; command: string }[] = [];
  const walk = (parent: number): void => {
    for (const row of rows.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      walk(row.pid);
    }
  };
  walk(pid);
  for (const row of found) started.add(row.pid);
  return found;
}

class StackRun {
  readonly dir = mkdtempSync(join(tmpdir(), 'spaceport-stack-run-'));
  readonly stateFile = join(this.dir, 'state.json');
  readonly logFile = join(this.dir, 'stack.log');
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: string[]) {
    const fd = openSync(this.logFile, 'a');
    // only what the stack needs: no npm_* of an outer `npm test`, no ADMIN_TOKEN or GATEWAY_PORT of the caller
    const env: NodeJS.ProcessEnv = { SPACEPORT_STACK_STATE: this.stateFile };
    for (const key of ['PATH', 'HOME', 'CONSUL_BIN', 'REDIS_SERVER_BIN']) env[key] = process.env[key];
    // its own process group, as under nohup or a CI runner: nothing but our signals reaches it
    this.child = spawn(command, [...args, '--free-ports', '--data-dir', join(this.dir, 'data')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    if (this.child.pid !== undefined) started.add(this.child.pid);
    this.exit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  async up(): Promise<string> {
    await waitFor(() => readStackState(this.stateFile).state !== undefined || this.child.exitCode !== null, {
      what: 'the stack state file',
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    const { state, error } = readStackState(this.stateFile);
    if (!state) throw new Error(`${error}\n${this.log()}`);
    return state.gatewayUrl;
  }

  /** PID of the descendant whose command line has `--id <id>`. */
  pidOf(id: string): number | undefined {
    return descendants(this.child.pid ?? -1).find((p) => p.command.includes(`--id ${id}`))?.pid;
  }

  /** Waits for the stack to exit; returns how it ended and how long it took from `since`. */
  async exited(since: number): Promise<{ code: number | null; ms: number }> {
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still running after ${STOP_BOUND_MS} ms:\n${this.log()}`)), STOP_BOUND_MS),
    );
    const { code } = await Promise.race([this.exit, timer]);
    return { code, ms: Date.now() - since };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

afterAll(() => {
  // a failed test must not leave its stack behind: SIGKILL whatever this suite started and is still there
  for (const pid of started) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe('npm start: a dead event-worker comes back, SIGTERM to npm stops everything', () => {
  let run: StackRun;
  let gatewayUrl = '';
  beforeAll(async () => {
    run = new StackRun('npm', ['start', '--ignore-scripts', '--', '--workers', '2']);
    gatewayUrl = await run.up();
  }, 120_000);
  afterAll(() => run?.remove());

  it('a SIGKILLed event-worker is restarted after 1 s with a line saying why, and delivers again', async () => {
    const before = run.pidOf('event-worker-1');
    expect(before, run.log()).toBeDefined();
    process.kill(before ?? -1, 'SIGKILL');
    await waitFor(() => run.pidOf('event-worker-1') !== undefined && run.pidOf('event-worker-1') !== before, {
      what: `event-worker-1 restarted:\n${run.log().slice(-3000)}`,
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect(run.log()).toMatch(
      /stack: event-worker-1 exited unexpectedly \(signal SIGKILL\) after [\d.]+ s; restarting it in 1 s \(crash 1 in a row\)/,
    );
    await waitFor(
      async () => {
        const view = await readCluster(gatewayUrl, LOCAL_ADMIN_TOKEN);
        return view !== undefined && isBalancedOver(view, ['event-worker-1', 'event-worker-2']);
      },
      { what: 'partitions balanced over both workers again', timeoutMs: 30_000, intervalMs: 200 },
    );
    const demo = execFileSync(process.execPath, ['tools/demo/demo.mjs', '--events', '6', '--timeout', '30'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', SPACEPORT_STACK_STATE: run.stateFile },
    });
    expect(demo).toContain('6/6 event(s) processed');
  }, 150_000);

  it('SIGTERM to the npm process stops every process of the stack within 15 s, exit 0', async () => {
    const npmPid = run.child.pid ?? -1;
    const pids = descendants(npmPid);
    // node stack.mjs, redis, consul, config-service, gateway, 2 workers, demo receiver
    expect(pids.length, JSON.stringify(pids)).toBeGreaterThanOrEqual(8);
    const since = Date.now();
    process.kill(npmPid, 'SIGTERM');
    const { code, ms } = await run.exited(since);
    expect(code, run.log()).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(pids.filter((p) => processAlive(p.pid))).toEqual([]);
    expect(existsSync(run.stateFile)).toBe(false);
    expect(run.log()).toMatch(/stack: SIGTERM received; stopping every process[\s\S]*stack: stopped/);
  }, 60_000);
});

describe('npm start: a dying non-worker child stops the stack', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = new StackRun(process.execPath, ['tools/stack/stack.mjs', '--standalone', '--workers', '1']);
    await run.up();
  }, 120_000);
  afterAll(() => run?.remove());

  it('SIGKILL of the gateway stops every process with a line naming it, exit 1', async () => {
    const pids = descendants(run.child.pid ?? -1);
    const gateway = run.pidOf('gateway-1');
    expect(gateway, run.log()).toBeDefined();
    const since = Date.now();
    process.kill(gateway ?? -1, 'SIGKILL');
    const { code } = await run.exited(since);
    expect(code).toBe(1);
    expect(run.log()).toContain('stack: gateway exited unexpectedly (signal SIGKILL); stopping the stack');
    expect(pids.filter((p) => processAlive(p.pid))).toEqual([]);
  }, 120_000);
});
