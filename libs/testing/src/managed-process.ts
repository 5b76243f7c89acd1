import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** Every child started through the harness, so none outlives the test process. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGCONT');
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here; `logTail()` reads it back. */
  logFile: string;
}

/** A child process started by a test, with its output in a log file and a kill that cannot leak. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ManagedProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    installExitHook();
    const fd = openSync(this.options.logFile, 'a');
    try {
      const child = spawn(this.options.command, this.options.args, {
        cwd: this.options.cwd,
        env: this.options.env ?? process.env,
        stdio: ['ignore', fd, fd],
      });
      this.child = child;
      live.add(child);
      this.exited = new Promise((resolve) => {
        child.once('exit', () => {
          live.delete(child);
          resolve();
        });
        child.once('error', () => {
          live.delete(child);
          resolve();
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT, …) to the process this harness started. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running || this.pid === undefined) throw new Error(`${this.name} is not running`);
    process.kill(this.pid, signal);
  }

  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running || this.pid === undefined) return;
    const pid = this.pid;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGTERM');
    } catch {
      return this.exited;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL and wait until the kernel has reaped it. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  waitForExit(): Promise<void> {
    return this.exited;
  }

  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  logTail(lines = 60): string {
    try {
      const text = readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n');
      return text.slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
