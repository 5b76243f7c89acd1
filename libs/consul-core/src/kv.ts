import * as z from 'zod';
import { type ConsulClient } from './client';
import { responseBodyOf, statusCodeOf } from './consul-request';
import { type KvTxnOp, parseTxnErrors, parseTxnResults, toWireOps, type TxnError, type TxnKvResult } from './kv-txn';

export * from './kv-txn';

/** A KV entry as the client returns it (Value already decoded from base64 to text, or null). */
export const kvRawEntrySchema = z.object({
  Key: z.string(),
  Value: z.string().nullable(),
  CreateIndex: z.number(),
  ModifyIndex: z.number(),
  LockIndex: z.number(),
  Flags: z.number(),
  Session: z.string().optional(),
});
export type KvRawEntry = z.infer<typeof kvRawEntrySchema>;

/** Validates a decoded JSON value; any zod schema fits (its output is T). */
export type KvSchema<T> = z.ZodType<T, unknown>;

export interface KvEntryMeta {
  /** key relative to the store prefix */
  key: string;
  createIndex: number;
  modifyIndex: number;
  /** times the key was acquired by a session: the leader's fencing token on a lock key */
  lockIndex: number;
  flags: number;
  /** session holding the key, if any */
  session?: string;
}

export interface KvEntry<T> extends KvEntryMeta {
  value: T;
}

/** An entry of `list`: decoded, or a per-key parse error (the raw text is kept for diagnostics). */
export type KvListEntry<T> =
  (KvEntry<T> & { ok: true }) | (KvEntryMeta & { ok: false; raw: string | null; error: string });

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Pure: the JSON text of a KV value → T (validated by `schema` when given). */
export function decodeJsonValue<T>(raw: string | null, schema?: KvSchema<T>): DecodeResult<T> {
  if (raw === null || raw === '') return { ok: false, error: 'empty value, expected JSON' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!schema) return { ok: true, value: parsed as T };
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    error: `invalid value: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
  };
}

/** A stored value that is not valid JSON (or fails its schema). */
export class KvDecodeError extends Error {
  constructor(
    readonly key: string,
    readonly raw: string | null,
    detail: string,
  ) {
    super(`KV key "${key}": ${detail}`);
    this.name = 'KvDecodeError';
  }
}

/** Pure: metadata of a raw entry, its key made relative to `prefix`. */
export function entryMeta(entry: KvRawEntry, prefix: string): KvEntryMeta {
  return {
    key: entry.Key.startsWith(prefix) ? entry.Key.slice(prefix.length) : entry.Key,
    createIndex: entry.CreateIndex,
    modifyIndex: entry.ModifyIndex,
    lockIndex: entry.LockIndex,
    flags: entry.Flags,
    ...(entry.Session ? { session: entry.Session } : {}),
  };
}

/** Pure: raw entries → decoded entries or per-key errors; folder markers (`dir/`, no value) are skipped. */
export function decodeKvEntries<T>(
  entries: readonly KvRawEntry[],
  prefix: string,
  schema?: KvSchema<T>,
): KvListEntry<T>[] {
  return entries
    .filter((entry) => !(entry.Key.endsWith('/') && !entry.Value))
    .map((entry): KvListEntry<T> => {
      const decoded = decodeJsonValue(entry.Value, schema);
      const meta = entryMeta(entry, prefix);
      return decoded.ok
        ? { ok: true, ...meta, value: decoded.value }
        : { ok: false, ...meta, raw: entry.Value, error: decoded.error };
    });
}

export const defaultKvPrefix = (clusterId: string): string => `spaceport/${clusterId}/`;

function normalizePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export interface KvStoreOptions {
  /** names the default prefix `spaceport/<clusterId>/`; default `default` */
  clusterId?: string;
  /** overrides the prefix entirely (a trailing `/` is added) */
  prefix?: string;
}

export interface PutOptions {
  /** check-and-set: 0 = create only, otherwise the ModifyIndex the key must still have */
  cas?: number;
  /** acquire the key for this session (lock) */
  acquire?: string;
  /** release the key held by this session */
  release?: string;
  flags?: number;
}

export interface DeleteOptions {
  /** delete only if the key's ModifyIndex is still this */
  cas?: number;
  /** delete the key and everything under it */
  recurse?: boolean;
}

export type TxnOutcome = { ok: true; results: TxnKvResult[] } | { ok: false; errors: TxnError[] };

export interface FencedWrite {
  /** key the session must hold, e.g. `leader` */
  lockKey: string;
  session: string;
  key: string;
  value: unknown;
  /** ModifyIndex `key` must still have; 0 = it must not exist yet */
  cas: number;
}

export type FencedWriteResult =
  | { ok: true; modifyIndex: number }
  | { ok: false; reason: 'not-lock-holder' | 'stale-index'; failedOpIndex: number; errors: TxnError[] };

/** Pure: the two operations of a fenced write: check the session holds the lock, then CAS. */
export function fencedWriteOps(write: FencedWrite): KvTxnOp[] {
  return [
    { verb: 'check-session', key: write.lockKey, session: write.session },
    { verb: 'cas', key: write.key, value: write.value, index: write.cas },
  ];
}

/** Typed JSON access to the Consul KV under one prefix (default `spaceport/<cluster>/`). */
export class KvStore {
  readonly prefix: string;

  constructor(
    private readonly client: ConsulClient,
    options: KvStoreOptions = {},
  ) {
    this.prefix = normalizePrefix(options.prefix ?? defaultKvPrefix(options.clusterId ?? 'default'));
  }

  /** The full Consul key of a key relative to the prefix. */
  fullKey(key: string): string {
    return `${this.prefix}${key}`;
  }

  /** The key relative to the prefix of a full Consul key. */
  relativeKey(fullKey: string): string {
    return fullKey.startsWith(this.prefix) ? fullKey.slice(this.prefix.length) : fullKey;
  }

  /** The entry, undefined when absent; throws KvDecodeError when the value is not valid JSON/schema. */
  async get<T>(key: string, schema?: KvSchema<T>): Promise<KvEntry<T> | undefined> {
    const raw = await this.client.kv.get({ key: this.fullKey(key) });
    if (raw === null || raw === undefined) return undefined;
    const entry = kvRawEntrySchema.parse(raw);
    const decoded = decodeJsonValue(entry.Value, schema);
    if (!decoded.ok) throw new KvDecodeError(key, entry.Value, decoded.error);
    return { ...entryMeta(entry, this.prefix), value: decoded.value };
  }

  /** Writes `value` as JSON. With `cas`/`acquire`, false means the condition did not hold. */
  async put(key: string, value: unknown, options: PutOptions = {}): Promise<boolean> {
    const result = await this.client.kv.set({ key: this.fullKey(key), value: JSON.stringify(value), ...options });
    return result === true;
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    const result: unknown = await this.client.kv.del({ key: this.fullKey(key), ...options });
    return result === true;
  }

  /** Every key under `prefix` (relative), each decoded or reported as a per-key error. */
  async list<T>(prefix = '', schema?: KvSchema<T>): Promise<KvListEntry<T>[]> {
    const raw: unknown = await this.client.kv.get({ key: this.fullKey(prefix), recurse: true });
    if (raw === null || raw === undefined) return [];
    const entries = z.array(kvRawEntrySchema).parse(Array.isArray(raw) ? raw : [raw]);
    return this.decodeEntries(entries, schema);
  }

  /** Raw entries (e.g. from `watchKeyPrefix`) → list entries relative to this store's prefix. */
  decodeEntries<T>(entries: readonly KvRawEntry[], schema?: KvSchema<T>): KvListEntry<T>[] {
    return decodeKvEntries(entries, this.prefix, schema);
  }

  /** Runs the operations atomically; `ok: false` (HTTP 409) lists which operations failed. */
  async txn(ops: readonly KvTxnOp[]): Promise<TxnOutcome> {
    try {
      // Two-argument form: the client replaces `operations` of the options with the first argument.
      const body: unknown = await this.client.transaction.create(toWireOps(this.prefix, ops), { operations: [] });
      return { ok: true, results: parseTxnResults(body, this.prefix) };
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
      return { ok: false, errors: parseTxnErrors(responseBodyOf(error)) };
    }
  }

  /** CAS `key` only while `session` still holds `lockKey` (the leader's fenced write). */
  async fencedWrite(write: FencedWrite): Promise<FencedWriteResult> {
    const outcome = await this.txn(fencedWriteOps(write));
    if (outcome.ok) {
      const written = outcome.results.find((result) => result.key === write.key);
      return { ok: true, modifyIndex: written?.modifyIndex ?? 0 };
    }
    const failedOpIndex = outcome.errors.reduce((min, e) => Math.min(min, e.opIndex), outcome.errors[0]?.opIndex ?? -1);
    return {
      ok: false,
      reason: failedOpIndex === 0 ? 'not-lock-holder' : 'stale-index',
      failedOpIndex,
      errors: outcome.errors,
    };
  }
}
