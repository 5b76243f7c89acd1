import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigStoreBusyError } from './config-store';
import { withFileLock } from './file-lock';

let dir: string;
let lockPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spaceport-lock-'));
  lockPath = join(dir, 'config.yaml.lock');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withFileLock (real files)', () => {
  it('admits one holder at a time and removes the lock afterwards', async () => {
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withFileLock(lockPath, async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await sleep(3);
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives up on a live holder after the bound', async () => {
    await writeFile(lockPath, `${process.pid} someone-else`);
    const started = Date.now();
    await expect(withFileLock(lockPath, async () => 'never', { timeoutMs: 200 })).rejects.toBeInstanceOf(
      ConfigStoreBusyError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(stat(lockPath)).resolves.toBeDefined();
  });

  it('breaks a lock whose process is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(lockPath, `${dead.stdout} crashed-writer`);
    await expect(withFileLock(lockPath, async () => 'ran', { timeoutMs: 1_000 })).resolves.toBe('ran');
  });

  it('breaks a lock older than the stale bound', async () => {
    await writeFile(lockPath, `${process.pid} stuck-writer`);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockPath, anHourAgo, anHourAgo);
    await expect(withFileLock(lockPath, async () => 'ran', { timeoutMs: 1_000, staleMs: 60_000 })).resolves.toBe('ran');
  });
});
