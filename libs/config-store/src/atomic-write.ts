import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode of a new config file: it holds secrets, so owner-only. */
export const NEW_FILE_MODE = 0o600;

/**
 * Replaces `path` with `text` so that any reader sees either the old or the new file, never a
 * mix: write a temp file in the same directory, fsync it, rename it over the target (atomic on
 * POSIX), fsync the directory so the rename survives a crash. The target's permission bits are
 * kept (0600 for a new file).
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const mode = await modeOf(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

async function modeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return NEW_FILE_MODE;
  }
}

/** Best effort: not every platform/filesystem lets a directory be opened and fsynced. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // the rename itself is already atomic; only its durability across a power loss is at stake
  }
}
