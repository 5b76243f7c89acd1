import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigStoreBusyError } from './config-store';

export interface FileLockOptions {
  /** give up after waiting this long for another holder; default 5 s */
  timeoutMs?: number;
  /** a lock file older than this is abandoned (its writer died mid-write); default 30 s */
  staleMs?: number;
}

/**
 * Runs `task` while holding `lockPath`, a lock file created with O_EXCL (works across processes
 * and across store instances of one process). A lock left by a dead process (same host, pid gone)
 * or older than `staleMs` is broken. Writes take milliseconds; the bounds are generous.
 */
export async function withFileLock<T>(
  lockPath: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  await acquire(lockPath, token, options.timeoutMs ?? 5_000, options.staleMs ?? 30_000);
  try {
    return await task();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, token: string, timeoutMs: number, staleMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await tryCreate(lockPath, token)) return;
    if (await isAbandoned(lockPath, staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new ConfigStoreBusyError(lockPath, waited);
    await sleep(5 + Math.floor(Math.random() * 20));
  }
}

async function tryCreate(lockPath: string, token: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    try {
      await handle.writeFile(token, 'utf8');
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function isAbandoned(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [info, content] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const pid = Number(content.split(' ')[0]);
    return Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid);
  } catch {
    return false; // gone already (or unreadable): just retry creating it
  }
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  try {
    // Only remove our own lock: if it was broken as stale, another writer may own the path now.
    if ((await readFile(lockPath, 'utf8')) === token) await rm(lockPath, { force: true });
  } catch {
    // already gone
  }
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
