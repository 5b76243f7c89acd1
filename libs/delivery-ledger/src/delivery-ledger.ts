import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import { assertCount, type LedgerKeyPrefix, type LedgerKeys, ledgerKeys } from './keys';
import { parseBumpReply, parseClaimReply, parseRecordReply, parseReleaseReply, parseSentRecord } from './replies';
import { COMMANDS, RECORD_SENT_ARITY, RELEASE_CLAIM_ARITY, withFollowUp } from './scripts';
import {
  type ClaimTiming,
  DEFAULT_SAFETY_MARGIN_MS,
  DEFAULT_SENT_RETENTION_MS,
  maySendAt,
  sendDeadline,
  validateClaimTiming,
  validateClaimTtl,
  validateSentRetention,
} from './timing';
import type { BumpResult, ClaimResult, RecordResult, ReleaseResult, SentMeta, SentRecord } from './types';

export type LedgerClient = Redis | Cluster;

export interface DeliveryLedgerOptions {
  /** Key prefix of each partition, with a hash tag: `ledgerKeyPrefix(clusterId)` = `p => sp:{<cluster>:p<p>}:ledger:`. */
  readonly keyPrefix: LedgerKeyPrefix;
  /** Timeout of one webhook HTTP attempt; every claim TTL must exceed it plus the margin. */
  readonly httpTimeoutMs: number;
  /** Default 1000 ms. */
  readonly safetyMarginMs?: number;
  /**
   * How long a sent record is kept when recordSent is given no `retentionMs` (ms, at least one minute);
   * it must outlive every way the delivery can be claimed again. Default 1 hour.
   */
  readonly sentRetentionMs?: number;
  /** Monotonic clock for the send deadline (default `performance.now`). */
  readonly monotonicNow?: () => number;
  /** Wall clock for the record timestamps (default `Date.now`). */
  readonly wallNow?: () => number;
  /** Claim token generator (default random UUID). */
  readonly newToken?: () => string;
}

export type ScriptArg = string | number;
type CommandName = (typeof COMMANDS)[keyof typeof COMMANDS]['name'];
type LedgerCommands = { [Name in CommandName]: (...args: ScriptArg[]) => Promise<unknown> };
type ScriptCommand = (...args: ScriptArg[]) => Promise<unknown>;

/** A caller's script, defined with `defineLedgerFollowUp`, that recordSent and releaseClaim can run after their own. */
export interface LedgerFollowUp {
  /** ioredis command names of the combined scripts */
  readonly afterRecordSent: string;
  readonly afterReleaseClaim: string;
}

/** One run of a follow-up: its own KEYS and ARGV (keys in the slot of the delivery's partition). */
export interface FollowUpCall {
  readonly script: LedgerFollowUp;
  readonly keys: readonly string[];
  readonly args: readonly ScriptArg[];
}

/**
 * Defines `lua` — a script of its own KEYS and ARGV, e.g. the caller's log of the attempt — to run in the
 * same Lua call right after recordSent's or releaseClaim's part (`withFollowUp`): one command and one
 * round trip instead of two, and nobody sees the ledger's write without the follow-up's. Define it when
 * the client is created, before it carries commands (on an auto-pipelined client ioredis copies the
 * client's scripts into each batch as the batch starts, so a later definition can miss a batch).
 */
export function defineLedgerFollowUp(client: LedgerClient, name: string, lua: string): LedgerFollowUp {
  const afterRecordSent = `${name}After${COMMANDS.recordSent.name}`;
  const afterReleaseClaim = `${name}After${COMMANDS.releaseClaim.name}`;
  client.defineCommand(afterRecordSent, { lua: withFollowUp(COMMANDS.recordSent.lua, RECORD_SENT_ARITY, lua) });
  client.defineCommand(afterReleaseClaim, { lua: withFollowUp(COMMANDS.releaseClaim.lua, RELEASE_CLAIM_ARITY, lua) });
  return { afterRecordSent, afterReleaseClaim };
}

/**
 * The once-only delivery ledger (README.md): partition epochs that fence stale owners, in-flight
 * claims with a TTL, and sent records. The caller owns the ioredis client (a plain, non-blocking
 * connection; not BullMQ's blocking one) and closes it.
 */
export class DeliveryLedger {
  readonly keys: LedgerKeys;
  readonly timing: ClaimTiming;
  readonly sentRetentionMs: number;
  private readonly client: LedgerClient & LedgerCommands;
  private readonly monotonicNow: () => number;
  private readonly wallNow: () => number;
  private readonly newToken: () => string;

  constructor(client: LedgerClient, options: DeliveryLedgerOptions) {
    this.keys = ledgerKeys(options.keyPrefix);
    this.timing = validateClaimTiming({
      httpTimeoutMs: options.httpTimeoutMs,
      safetyMarginMs: options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS,
    });
    this.sentRetentionMs = validateSentRetention(options.sentRetentionMs ?? DEFAULT_SENT_RETENTION_MS);
    this.monotonicNow = options.monotonicNow ?? (() => performance.now());
    this.wallNow = options.wallNow ?? Date.now;
    this.newToken = options.newToken ?? randomUUID;
    for (const command of Object.values(COMMANDS)) {
      client.defineCommand(command.name, { numberOfKeys: command.numberOfKeys, lua: command.lua });
    }
    this.client = client as LedgerClient & LedgerCommands;
  }

  /** The new owner of `partition` sets its epoch to `generation`; refused (`stale`) if Redis has a newer one. */
  async bumpEpoch(partition: number, generation: number): Promise<BumpResult> {
    assertCount('generation', generation);
    const reply = await this.client[COMMANDS.bumpEpoch.name](this.keys.epoch(partition), String(generation));
    return parseBumpReply(reply, generation);
  }

  /**
   * The highest epoch of partitions `0 … partitionCount - 1` (0 when none has one): one GET per partition,
   * issued together (each partition's epoch sits in its own slot, so no MGET).
   */
  async highestEpoch(partitionCount: number): Promise<number> {
    assertCount('partition count', partitionCount);
    if (partitionCount === 0) return 0;
    const values = await Promise.all(
      Array.from({ length: partitionCount }, (_, partition) => this.client.get(this.keys.epoch(partition))),
    );
    return Math.max(0, ...values.map((value) => (value === null ? 0 : Number(value))));
  }

  /** The epoch of `partition`, or null before any owner bumped it. */
  async currentEpoch(partition: number): Promise<number | null> {
    const value = await this.client.get(this.keys.epoch(partition));
    return value === null ? null : Number(value);
  }

  /**
   * Fence check and in-flight claim in one atomic step, before the send. Only `claimed` may send, and
   * only while `maySend(claim)` holds.
   */
  async claim(
    deliveryId: string,
    partition: number,
    epoch: number,
    workerId: string,
    claimTtlMs: number,
  ): Promise<ClaimResult> {
    validateClaimTtl(claimTtlMs, this.timing);
    assertCount('epoch', epoch);
    if (workerId.length === 0) throw new RangeError('worker id must not be empty');
    const keys = [
      this.keys.sent(deliveryId, partition),
      this.keys.claim(deliveryId, partition),
      this.keys.epoch(partition),
    ];
    const token = this.newToken();
    const requestedAt = this.monotonicNow();
    const reply = await this.client[COMMANDS.claim.name](
      ...keys,
      token,
      workerId,
      String(epoch),
      claimTtlMs,
      String(partition),
      this.wallNow(),
    );
    const parsed = parseClaimReply(reply, epoch);
    if (parsed.status !== 'claimed') return parsed;
    const sendBy = sendDeadline(requestedAt, claimTtlMs, this.timing);
    return { status: 'claimed', claim: { deliveryId, partition, epoch, workerId, token, ttlMs: claimTtlMs, sendBy } };
  }

  /** True while the HTTP request for `claim` may still start (the claim outlives request + margin). */
  maySend(claim: { readonly sendBy: number }): boolean {
    return maySendAt(claim.sendBy, this.monotonicNow());
  }

  /**
   * After a 2xx: records the delivery as sent (kept for `meta.retentionMs`, else the ledger's
   * `sentRetentionMs`) unless it already is, and
   * releases the caller's claim. Records even when the claim expired or was taken: the effect happened.
   * `followUp` runs in the same script, after the ledger's part, whatever it answered.
   */
  async recordSent(
    deliveryId: string,
    partition: number,
    claimToken: string,
    epoch: number,
    meta: SentMeta,
    followUp?: FollowUpCall,
  ): Promise<RecordResult> {
    assertCount('epoch', epoch);
    const retentionMs = validateSentRetention(meta.retentionMs ?? this.sentRetentionMs);
    const keys = [this.keys.sent(deliveryId, partition), this.keys.claim(deliveryId, partition)];
    const args = [
      claimToken,
      String(epoch),
      retentionMs,
      this.wallNow(),
      meta.workerId,
      meta.statusCode,
      meta.attempt ?? '',
    ];
    const reply =
      followUp === undefined
        ? await this.client[COMMANDS.recordSent.name](...keys, ...args)
        : await this.runWithFollowUp(followUp.script.afterRecordSent, keys, args, followUp);
    return parseRecordReply(reply);
  }

  /** After a failed attempt: drops the claim if it is still `claimToken`'s, so a retry can claim; `followUp` as in recordSent. */
  async releaseClaim(
    deliveryId: string,
    partition: number,
    claimToken: string,
    followUp?: FollowUpCall,
  ): Promise<ReleaseResult> {
    const keys = [this.keys.claim(deliveryId, partition)];
    const reply =
      followUp === undefined
        ? await this.client[COMMANDS.releaseClaim.name](...keys, claimToken)
        : await this.runWithFollowUp(followUp.script.afterReleaseClaim, keys, [claimToken], followUp);
    return parseReleaseReply(reply);
  }

  /** A combined script (defineLedgerFollowUp): the key count first (it varies), the ledger's keys and args before the follow-up's. */
  private runWithFollowUp(
    command: string,
    keys: readonly string[],
    args: readonly ScriptArg[],
    followUp: FollowUpCall,
  ): Promise<unknown> {
    const run = (this.client as unknown as Record<string, ScriptCommand | undefined>)[command];
    if (run === undefined)
      throw new Error(`ledger follow-up ${command} is not defined on this client (defineLedgerFollowUp)`);
    return run.call(
      this.client,
      keys.length + followUp.keys.length,
      ...keys,
      ...followUp.keys,
      ...args,
      ...followUp.args,
    );
  }

  async isSent(deliveryId: string, partition: number): Promise<boolean> {
    return (await this.client.exists(this.keys.sent(deliveryId, partition))) === 1;
  }

  async getSent(deliveryId: string, partition: number): Promise<SentRecord | null> {
    return parseSentRecord(deliveryId, await this.client.hgetall(this.keys.sent(deliveryId, partition)));
  }
}
