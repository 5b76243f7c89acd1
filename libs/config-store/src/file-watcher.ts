import { type FSWatcher, mkdirSync, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface FileWatcherOptions {
  /** quiet time after the last event before `onSettled` runs; default 100 ms */
  debounceMs?: number;
  /** also stat the file this often, for filesystems without change events; 0 disables; default 5 s */
  pollIntervalMs?: number;
}

export interface FileWatcher {
  close(): void;
}

/**
 * Calls `onSettled` once a burst of changes to `path` is over. Watches the *directory*, filtered by
 * file name, so editors that save by writing a new file and renaming it over the old one (a new
 * inode) keep being seen; a slow stat poll covers filesystems where fs.watch is silent.
 */
export function watchFile(
  path: string,
  onSettled: () => void,
  onWatchError: (error: Error) => void,
  options: FileWatcherOptions = {},
): FileWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onSettled();
    }, debounceMs);
    timer.unref();
  };

  mkdirSync(dirname(path), { recursive: true }); // a store may watch before its first write
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
    if (filename === null || filename.toString() === name) schedule();
  });
  watcher.on('error', (error) => onWatchError(error));

  const poller = pollIntervalMs > 0 ? startPolling(path, pollIntervalMs, schedule) : undefined;

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poller) clearInterval(poller);
      watcher.close();
    },
  };
}

function startPolling(path: string, intervalMs: number, onChange: () => void): NodeJS.Timeout {
  let last: string | undefined;
  let busy = false;
  const poller = setInterval(() => {
    if (busy) return;
    busy = true;
    stat(path)
      .then((info) => `${info.ino}:${info.size}:${info.mtimeMs}`)
      .catch(() => 'missing')
      .then((signature) => {
        if (last !== undefined && signature !== last) onChange();
        last = signature;
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  poller.unref();
  return poller;
}
