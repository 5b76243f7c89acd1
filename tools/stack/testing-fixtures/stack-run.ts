// A real `npm start` (or `node tools/stack/stack.mjs`) run for the tools/stack integration tests: its own
// process group, free ports, a temp data dir and state file, its log in a file. Every PID it or its
// descendants had is remembered so that `killLeftovers` (afterAll) can SIGKILL what a failed test left.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, waitFor } from '@spaceport/testing';
import { processAlive, readStackState, type StackState } from '../stack-state.mjs';

export const STOP_BOUND_MS = 15_000;
const started = new Set<number>();

/** Every descendant of `pid` (children, their children, …) with its command line, from `ps`. */
export function descendants(pid: number): { pid: number; command: string }[] {
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

export class StackRun {
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

  /** The state file the running stack wrote. */
  state(): StackState {
    const { state, error } = readStackState(this.stateFile);
    if (!state) throw new Error(`${error}\n${this.log()}`);
    return state;
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

  /** PID of the redis-server (data node or sentinel) on `port`: Redis titles itself `…/redis-server 127.0.0.1:<port>`. */
  redisPidOn(port: number): number | undefined {
    const title = new RegExp(`(^|/)redis-server 127\\.0\\.0\\.1:${port}(\\s|$)`);
    return descendants(this.child.pid ?? -1).find((p) => title.test(p.command))?.pid;
  }

  /** `npm run demo -- --events <events>` against this stack; its stdout, or throws with its output. */
  demo(events: number): string {
    return execFileSync(process.execPath, ['tools/demo/demo.mjs', '--events', String(events), '--timeout', '30'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', SPACEPORT_STACK_STATE: this.stateFile },
    });
  }

  /** Waits for the stack to exit; returns how it ended and how long it took from `since`. */
  async exited(since: number, boundMs = STOP_BOUND_MS): Promise<{ code: number | null; ms: number }> {
    let timeout: NodeJS.Timeout | undefined;
    const timer = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error(`still running after ${boundMs} ms:\n${this.log()}`)), boundMs);
    });
    try {
      const { code } = await Promise.race([this.exit, timer]);
      return { code, ms: Date.now() - since };
    } finally {
      clearTimeout(timeout);
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SIGKILLs every process a StackRun of this suite started that is still there (afterAll of a failed test). */
export function killLeftovers(): void {
  for (const pid of started) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}
