import * as z from 'zod';
import { type ConsulClient } from './client';

/** One KV operation of a Consul transaction; keys are relative to the store prefix, values JSON. */
export type KvTxnOp =
  | { verb: 'set'; key: string; value: unknown; flags?: number }
  | { verb: 'cas'; key: string; value: unknown; index: number; flags?: number }
  | { verb: 'lock'; key: string; value: unknown; session: string }
  | { verb: 'unlock'; key: string; value: unknown; session: string }
  | { verb: 'get'; key: string }
  | { verb: 'check-index'; key: string; index: number }
  | { verb: 'check-session'; key: string; session: string }
  | { verb: 'check-not-exists'; key: string }
  | { verb: 'delete'; key: string }
  | { verb: 'delete-cas'; key: string; index: number }
  | { verb: 'delete-tree'; key: string };

/** The operation as Consul's `/v1/txn` expects it. */
export interface WireKvOp {
  KV: { Verb: string; Key: string; Value?: string; Flags?: number; Index?: number; Session?: string };
}

/** The `consul` client's declared operation type is not the wire format; we send the wire format. */
type ClientOperations = Parameters<ConsulClient['transaction']['create']>[0];

const encodeValue = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** Pure: one operation → wire format (prefix added, value JSON + base64). */
export function toWireOp(prefix: string, op: KvTxnOp): WireKvOp {
  const kv: WireKvOp['KV'] = { Verb: op.verb, Key: `${prefix}${op.key}` };
  if ('value' in op) kv.Value = encodeValue(op.value);
  if ('flags' in op && op.flags !== undefined) kv.Flags = op.flags;
  if ('index' in op) kv.Index = op.index;
  if ('session' in op) kv.Session = op.session;
  return { KV: kv };
}

export function toWireOps(prefix: string, ops: readonly KvTxnOp[]): ClientOperations {
  return ops.map((op) => toWireOp(prefix, op)) as unknown as ClientOperations;
}

/** What a successful transaction says about each key it touched. */
export interface TxnKvResult {
  /** key relative to the prefix */
  key: string;
  createIndex: number;
  modifyIndex: number;
  lockIndex: number;
  session?: string;
}

export interface TxnError {
  opIndex: number;
  what: string;
}

const txnResultsSchema = z.object({
  Results: z
    .array(
      z.object({
        KV: z
          .object({
            Key: z.string(),
            CreateIndex: z.number(),
            ModifyIndex: z.number(),
            LockIndex: z.number(),
            Session: z.string().optional(),
          })
          .optional(),
      }),
    )
    .nullish(),
});

const txnErrorsSchema = z.object({ Errors: z.array(z.object({ OpIndex: z.number(), What: z.string() })).nullish() });

/** Pure: the body of a committed transaction → KV results (keys made relative to `prefix`). */
export function parseTxnResults(body: unknown, prefix: string): TxnKvResult[] {
  const results = txnResultsSchema.parse(body ?? {}).Results ?? [];
  return results.flatMap(({ KV }) =>
    KV
      ? [
          {
            key: KV.Key.startsWith(prefix) ? KV.Key.slice(prefix.length) : KV.Key,
            createIndex: KV.CreateIndex,
            modifyIndex: KV.ModifyIndex,
            lockIndex: KV.LockIndex,
            ...(KV.Session ? { session: KV.Session } : {}),
          },
        ]
      : [],
  );
}

/** Pure: the body of a rolled-back transaction (HTTP 409) → its errors. */
export function parseTxnErrors(body: unknown): TxnError[] {
  const parsed = txnErrorsSchema.safeParse(body ?? {});
  const errors = parsed.success ? (parsed.data.Errors ?? []) : [];
  if (errors.length === 0) return [{ opIndex: -1, what: 'transaction rolled back without errors in the response' }];
  return errors.map((e) => ({ opIndex: e.OpIndex, what: e.What }));
}
