import {
  type ConfigEntry,
  type ConfigRef,
  type ConfigSnapshot,
  CONFIG_KEY_ROOT,
  configKeyOf,
  triggersKeyPrefix,
} from '@spaceport/config-model';
import {
  type BlockingQuery,
  type ConsulClient,
  type KvRawEntry,
  KvStore,
  type KvTxnOp,
  watchKeyPrefix,
} from '@spaceport/consul-core';
import { refOfWrite } from './cas';
import {
  type ConfigStore,
  ConfigSourceError,
  type ConfigWrite,
  type Unsubscribe,
  type WriteResult,
} from './config-store';
import { decodeConfigKv } from './consul-config-decode';

export interface ConsulConfigStoreOptions {
  /** names the prefix `spaceport/<clusterId>/`; default `default` */
  clusterId?: string;
  /** `wait` of the blocking watch, default 60 s */
  waitMs?: number;
  /** minimum time between two watch requests, default 5 ms (propagation latency matters here) */
  minIntervalMs?: number;
  /** Consul could not be read; the last good config stays in force */
  onUnavailable?: (error: unknown, retryInMs: number) => void;
  /** how long `delete` waits for the watch to see its effect, default 5 s */
  settleTimeoutMs?: number;
}

interface Listener {
  onChange: (snapshot: ConfigSnapshot) => void;
  onError?: (error: ConfigSourceError) => void;
}

/**
 * Distributed-mode config store on Consul KV (`spaceport/<cluster>/config/...`). Entry version =
 * ModifyIndex, snapshot version = the index of the recursive blocking read. Every write is a
 * transaction that CASes the entry's ModifyIndex (0 = create only); a trigger write also requires
 * its project, a project delete removes its triggers in the same transaction. A key holding junk
 * (bad JSON, invalid value) is reported through `onError` with its key and keeps its last good value.
 */
export class ConsulConfigStore implements ConfigStore {
  private readonly kv: KvStore;
  private query: BlockingQuery<KvRawEntry[]> | undefined;
  private current: ConfigSnapshot | undefined;
  private inForce: ReadonlyMap<string, ConfigEntry> = new Map();
  private readonly reported = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly internal = new Set<(snapshot: ConfigSnapshot) => void>();
  private unavailableSince: number | undefined;
  private lastFailure: unknown;

  constructor(
    private readonly client: ConsulClient,
    private readonly options: ConsulConfigStoreOptions = {},
  ) {
    this.kv = new KvStore(client, { clusterId: options.clusterId ?? 'default' });
  }

  /** Where the config lives, for logs: `consul:spaceport/<cluster>/config/`. */
  get source(): string {
    return `consul:${this.kv.fullKey(CONFIG_KEY_ROOT)}`;
  }

  /** undefined while Consul answers; otherwise since when (epoch ms) it has not. */
  get unavailableSinceMs(): number | undefined {
    return this.unavailableSince;
  }

  async load(): Promise<ConfigSnapshot> {
    this.ensureWatching();
    if (this.current) return this.current;
    return new Promise<ConfigSnapshot>((resolve, reject) => {
      const done = (): void => {
        this.internal.delete(onSnapshot);
        offFailure();
      };
      const onSnapshot = (snapshot: ConfigSnapshot): void => {
        done();
        resolve(snapshot);
      };
      const onFailure = (error: unknown): void => {
        done();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      this.internal.add(onSnapshot);
      const offFailure = this.ensureWatching().on('error', onFailure);
    });
  }

  async put(write: ConfigWrite, expectedVersion: number): Promise<WriteResult> {
    const ref = refOfWrite(write);
    const key = configKeyOf(ref);
    const ops: KvTxnOp[] = [];
    if (write.kind === 'trigger')
      ops.push({ verb: 'get', key: configKeyOf({ kind: 'project', projectId: write.projectId }) });
    ops.push({ verb: 'cas', key, value: write.value, index: expectedVersion });
    const outcome = await this.kv.txn(ops);
    if (outcome.ok)
      return { ok: true, version: outcome.results.find((result) => result.key === key)?.modifyIndex ?? 0 };
    const failedOp = Math.min(...outcome.errors.map((error) => error.opIndex));
    if (write.kind === 'trigger' && failedOp === 0) return { ok: false, reason: 'not-found' };
    return { ok: false, reason: 'conflict', currentVersion: await this.currentIndexOf(key) };
  }

  async delete(ref: ConfigRef, expectedVersion: number): Promise<WriteResult> {
    const key = configKeyOf(ref);
    const ops: KvTxnOp[] = [
      { verb: 'check-index', key, index: expectedVersion },
      { verb: 'delete', key },
    ];
    if (ref.kind === 'project') ops.push({ verb: 'delete-tree', key: triggersKeyPrefix(ref.projectId) });
    const outcome = await this.kv.txn(ops);
    if (!outcome.ok) {
      const currentVersion = await this.currentIndexOf(key);
      return currentVersion === 0
        ? { ok: false, reason: 'not-found' }
        : { ok: false, reason: 'conflict', currentVersion };
    }
    const settled = await this.settle(() => !this.holds(ref));
    return { ok: true, version: settled?.version ?? this.current?.version ?? 0 };
  }

  watch(onChange: (snapshot: ConfigSnapshot) => void, onError?: (error: ConfigSourceError) => void): Unsubscribe {
    const listener: Listener = { onChange, onError };
    this.listeners.add(listener);
    this.ensureWatching();
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.internal.clear();
    await this.query?.stop();
    this.query = undefined;
  }

  private ensureWatching(): BlockingQuery<KvRawEntry[]> {
    this.query ??= this.startQuery();
    return this.query;
  }

  private startQuery(): BlockingQuery<KvRawEntry[]> {
    const query = watchKeyPrefix(
      this.client,
      this.kv.fullKey(CONFIG_KEY_ROOT),
      (entries, index) => this.apply(entries, index),
      {
        waitMs: this.options.waitMs ?? 60_000,
        minIntervalMs: this.options.minIntervalMs ?? 5,
        backoff: { initialMs: 100, maxMs: 5_000 },
      },
    );
    query.on('error', (error, retryInMs) => {
      this.unavailableSince ??= Date.now();
      this.lastFailure = error;
      this.options.onUnavailable?.(error, retryInMs);
    });
    // Consul answers again: readable now, even when the config did not change while it was away
    // (then the re-read emits no change and `apply` does not run)
    query.on('recovered', () => {
      this.unavailableSince = undefined;
    });
    return query;
  }

  /** the last error reading Consul while it is unavailable */
  get lastReadFailure(): unknown {
    return this.unavailableSince === undefined ? undefined : this.lastFailure;
  }

  private apply(entries: KvRawEntry[], index: number): void {
    this.unavailableSince = undefined;
    const raw = entries.map((entry) => ({
      key: this.kv.relativeKey(entry.Key),
      value: entry.Value,
      modifyIndex: entry.ModifyIndex,
    }));
    const decoded = decodeConfigKv(raw, index, this.inForce);
    this.inForce = decoded.inForce;
    const previous = this.current;
    this.current = decoded.snapshot;
    this.reportRejected(decoded.rejected, raw);
    for (const notify of [...this.internal]) notify(decoded.snapshot);
    if (previous !== undefined && previous.version === decoded.snapshot.version) return;
    for (const listener of [...this.listeners]) callSafely(() => listener.onChange(decoded.snapshot));
  }

  /** Each rejected key is reported once per ModifyIndex, with the full Consul key. */
  private reportRejected(
    rejected: readonly { key: string; issues: ConfigSourceError['issues'] }[],
    raw: readonly { key: string; modifyIndex: number }[],
  ): void {
    const indexOf = new Map(raw.map((entry) => [entry.key, entry.modifyIndex]));
    for (const problem of rejected) {
      const id = `${problem.key}@${indexOf.get(problem.key) ?? 0}:${problem.issues.map((issue) => issue.message).join('|')}`;
      if (this.reported.has(id)) continue;
      this.reported.add(id);
      const error = new ConfigSourceError(`consul key ${this.kv.fullKey(problem.key)}`, problem.issues);
      for (const listener of [...this.listeners]) callSafely(() => listener.onError?.(error));
    }
  }

  /** whether the entry `ref` names is still in force (checked after the watch applied a snapshot) */
  private holds(ref: ConfigRef): boolean {
    return this.inForce.has(configKeyOf(ref));
  }

  /** Waits (bounded) until the watch delivers a snapshot satisfying `done`. */
  private settle(done: () => boolean): Promise<ConfigSnapshot | undefined> {
    if (this.current && done()) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), this.options.settleTimeoutMs ?? 5_000);
      const onSnapshot = (snapshot: ConfigSnapshot): void => {
        if (done()) finish(snapshot);
      };
      const finish = (snapshot: ConfigSnapshot | undefined): void => {
        clearTimeout(timer);
        this.internal.delete(onSnapshot);
        resolve(snapshot);
      };
      this.internal.add(onSnapshot);
    });
  }

  private async currentIndexOf(key: string): Promise<number> {
    const entries = await this.kv.list(key);
    return entries.find((entry) => entry.key === key)?.modifyIndex ?? 0;
  }
}

function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // a failing listener must not stop the others nor the watch
  }
}
