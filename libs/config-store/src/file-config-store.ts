import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ConfigRef, type ConfigSnapshot, configKeyOf } from '@spaceport/config-model';
import { checkExpectedVersion, refOfWrite } from './cas';
import {
  applyDelete,
  applyPut,
  decodeConfigFile,
  type DecodedConfigFile,
  type KnownRevision,
  revisionOf,
  snapshotOfFile,
} from './config-file';
import {
  type ConfigStore,
  ConfigSourceError,
  type ConfigWrite,
  type Unsubscribe,
  type WriteResult,
} from './config-store';
import { writeFileAtomic } from './atomic-write';
import { type EditableDocument, type FileFormat, formatOfPath } from './editable-document';
import { errorCode, type FileLockOptions, withFileLock } from './file-lock';
import { type FileWatcher, type FileWatcherOptions, watchFile } from './file-watcher';

export interface FileConfigStoreOptions extends FileWatcherOptions {
  lock?: FileLockOptions;
}

interface Listener {
  onChange: (snapshot: ConfigSnapshot) => void;
  onError?: (error: ConfigSourceError) => void;
}

type FileRead =
  { ok: true; file: DecodedConfigFile; snapshot: ConfigSnapshot } | { ok: false; error: ConfigSourceError };

/**
 * Standalone-mode config store: one YAML (`.yaml`/`.yml`) or JSON (`.json`) file.
 *
 * Versioning: the file carries a `version` counter; every store write raises it by one and every
 * entry of the file reports that revision as its version, so CAS is per file (a write based on any
 * older read conflicts — coarser than Consul's per-key ModifyIndex, never lossy). A hand edit that
 * leaves `version` alone still yields a new revision (see `revisionOf`).
 *
 * Writes: under a lock file (`<file>.lock`), re-read, CAS-check, edit (YAML comments survive),
 * validate, write atomically (temp + fsync + rename). Hand edits are picked up by watching the
 * directory; an invalid file keeps the last good config and is reported through `watch`'s
 * `onError`, and writes are refused until it is fixed. A missing file is an empty config.
 */
export class FileConfigStore implements ConfigStore {
  readonly path: string;
  private readonly format: FileFormat;
  private readonly lockPath: string;
  private known: KnownRevision | undefined;
  private lastGood: ConfigSnapshot | undefined;
  private lastEmittedVersion: number | undefined;
  private lastReportedError: string | undefined;
  private readonly listeners = new Set<Listener>();
  private watcher: FileWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    path: string,
    private readonly options: FileConfigStoreOptions = {},
  ) {
    this.path = resolve(path);
    this.format = formatOfPath(this.path);
    this.lockPath = `${this.path}.lock`;
  }

  load(): Promise<ConfigSnapshot> {
    return this.serialized(async () => {
      const read = await this.refresh();
      if (read.ok) return read.snapshot;
      if (this.lastGood) return this.lastGood;
      throw read.error;
    });
  }

  put(write: ConfigWrite, expectedVersion: number): Promise<WriteResult> {
    return this.mutate(refOfWrite(write), 'put', expectedVersion, (document) => applyPut(document, write));
  }

  delete(ref: ConfigRef, expectedVersion: number): Promise<WriteResult> {
    return this.mutate(ref, 'delete', expectedVersion, (document) => applyDelete(document, ref));
  }

  watch(onChange: (snapshot: ConfigSnapshot) => void, onError?: (error: ConfigSourceError) => void): Unsubscribe {
    const listener: Listener = { onChange, onError };
    this.listeners.add(listener);
    this.watcher ??= watchFile(
      this.path,
      () =>
        void this.serialized(() => this.refresh()).catch((error: unknown) =>
          this.reportError(asSourceError(this.path, error)),
        ),
      (error) => this.reportError(asSourceError(this.path, error)),
      this.options,
    );
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopWatching();
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.stopWatching();
    await this.queue;
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private mutate(
    ref: ConfigRef,
    operation: 'put' | 'delete',
    expectedVersion: number,
    edit: (document: EditableDocument) => void,
  ): Promise<WriteResult> {
    return this.serialized(() =>
      withFileLock(
        this.lockPath,
        async () => {
          const read = await this.refresh();
          if (!read.ok) throw read.error;
          const refusal = checkExpectedVersion(read.snapshot, ref, operation, expectedVersion);
          if (refusal) return refusal;
          const version = read.snapshot.version + 1;
          edit(read.file.document);
          read.file.document.set(['version'], version);
          const text = read.file.document.toString();
          const check = decodeConfigFile(text, this.format);
          if (!check.ok) throw new ConfigSourceError(`write to ${configKeyOf(ref)}`, check.issues);
          await writeFileAtomic(this.path, text);
          this.accept(check.file, version);
          return { ok: true, version };
        },
        this.options.lock,
      ),
    );
  }

  /** Reads and decodes the file; a good read becomes the current config (and is announced). */
  private async refresh(): Promise<FileRead> {
    const read = await this.readFile();
    if (!read.ok) {
      this.reportError(read.error);
      return read;
    }
    const version = revisionOf(read.file.fileVersion, read.file.fingerprint, this.known);
    return { ok: true, file: read.file, snapshot: this.accept(read.file, version) };
  }

  private async readFile(): Promise<{ ok: true; file: DecodedConfigFile } | { ok: false; error: ConfigSourceError }> {
    let text: string | undefined;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') return { ok: false, error: asSourceError(this.path, error) };
    }
    const decoded = decodeConfigFile(text, this.format);
    return decoded.ok ? decoded : { ok: false, error: new ConfigSourceError(this.path, decoded.issues) };
  }

  private accept(file: DecodedConfigFile, version: number): ConfigSnapshot {
    this.known = { version, fingerprint: file.fingerprint };
    const snapshot = snapshotOfFile(file, version);
    this.lastGood = snapshot;
    this.lastReportedError = undefined;
    // The first config this store sees is the baseline, not a change.
    const changed = this.lastEmittedVersion !== undefined && snapshot.version !== this.lastEmittedVersion;
    this.lastEmittedVersion = snapshot.version;
    if (changed) for (const listener of [...this.listeners]) callSafely(() => listener.onChange(snapshot));
    return snapshot;
  }

  /** Each distinct problem is reported once until a good config is read again. */
  private reportError(error: ConfigSourceError): void {
    if (error.message === this.lastReportedError) return;
    this.lastReportedError = error.message;
    for (const listener of [...this.listeners]) callSafely(() => listener.onError?.(error));
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function asSourceError(path: string, error: unknown): ConfigSourceError {
  if (error instanceof ConfigSourceError) return error;
  return new ConfigSourceError(path, [
    { field: '(file)', message: errorCode(error) ?? (error instanceof Error ? error.name : 'unreadable') },
  ]);
}

function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // a failing listener must not stop the others nor the store
  }
}
