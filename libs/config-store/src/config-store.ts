import {
  type ConfigEntry,
  type ConfigRef,
  type ConfigSnapshot,
  type EventingSettings,
  type FieldIssue,
  type Project,
  type Trigger,
} from '@spaceport/config-model';

/**
 * Where config lives: a file (standalone) or Consul KV (distributed). Every write is a
 * compare-and-set on the version the caller read, so a stale write is refused (HTTP 409):
 *
 * - `expectedVersion` is the `version` of the entry in the snapshot the caller read; `0` means
 *   "the entry must not exist" (create). This is Consul's `?cas=<ModifyIndex>` contract, and the
 *   file store keeps it (its entries all carry the file's revision, see FileConfigStore).
 * - deleting a project deletes its triggers with it.
 */
export type ConfigWrite =
  | { kind: 'eventing'; value: EventingSettings }
  | { kind: 'project'; value: Project }
  | { kind: 'trigger'; projectId: string; value: Trigger };

/** The store write that puts a validated entry (as `parseConfigValue` returns it). */
export function configWriteOf(entry: ConfigEntry): ConfigWrite {
  if (entry.kind === 'eventing') return { kind: 'eventing', value: entry.value };
  if (entry.kind === 'project') return { kind: 'project', value: entry.value };
  return { kind: 'trigger', projectId: entry.projectId, value: entry.value };
}

export type WriteResult =
  /** `version`: the entry's new version (and the store's) */
  | { ok: true; version: number }
  /** the entry is at `currentVersion` (0: absent), not at the expected version */
  | { ok: false; reason: 'conflict'; currentVersion: number }
  /** delete of an absent entry, or a trigger write under an absent project */
  | { ok: false; reason: 'not-found' };

export type Unsubscribe = () => void;

export interface ConfigStore {
  /** The current config. Throws ConfigSourceError when it cannot be read and no good config is known. */
  load(): Promise<ConfigSnapshot>;
  put(write: ConfigWrite, expectedVersion: number): Promise<WriteResult>;
  delete(ref: ConfigRef, expectedVersion: number): Promise<WriteResult>;
  /**
   * Calls `onChange` with each new snapshot (own writes and outside edits alike, deduplicated),
   * and `onError` when the source changed to something unusable — the last good config stays in
   * force. No initial call: `load()` first.
   */
  watch(onChange: (snapshot: ConfigSnapshot) => void, onError?: (error: ConfigSourceError) => void): Unsubscribe;
  /** Stops watching and releases resources. */
  close(): Promise<void>;
  /** Since when the source cannot be reached (Consul down), in ms since the epoch; a file store never sets it. */
  readonly unavailableSinceMs?: number | undefined;
}

/**
 * The config source holds something unusable (unparsable, invalid). `issues` name fields; neither
 * they nor the message ever contain config values (which hold secrets).
 */
export class ConfigSourceError extends Error {
  constructor(
    readonly source: string,
    readonly issues: FieldIssue[],
  ) {
    super(`config ${source} is invalid: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
    this.name = 'ConfigSourceError';
  }
}

/** Another writer held the store's lock for longer than the wait bound. */
export class ConfigStoreBusyError extends Error {
  constructor(
    readonly source: string,
    waitedMs: number,
  ) {
    super(`config ${source} is locked by another writer (waited ${waitedMs} ms)`);
    this.name = 'ConfigStoreBusyError';
  }
}
