/** Typed results of the ledger operations (see README.md for the protocol). */

export type BumpResult =
  /** The epoch moved up to `epoch` (from `previous`, null when the partition had none). */
  | { readonly status: 'bumped'; readonly epoch: number; readonly previous: number | null }
  /** The epoch already was `epoch` (a repeated bump by the same owner). */
  | { readonly status: 'unchanged'; readonly epoch: number }
  /** Refused: Redis holds a newer epoch `current`; the caller no longer owns the partition. */
  | { readonly status: 'stale'; readonly requested: number; readonly current: number };

/** A live in-flight claim, held by the worker that got it. */
export interface Claim {
  readonly deliveryId: string;
  readonly partition: number;
  readonly epoch: number;
  readonly workerId: string;
  /** Proves ownership of the claim to recordSent/releaseClaim. */
  readonly token: string;
  readonly ttlMs: number;
  /** Latest `performance.now()` at which the HTTP request may start (see `DeliveryLedger.maySend`). */
  readonly sendBy: number;
}

export interface ClaimHolder {
  readonly workerId: string;
  readonly epoch: number;
  /** Remaining claim TTL in Redis, ms. */
  readonly ttlMs: number;
}

export type ClaimResult =
  | { readonly status: 'claimed'; readonly claim: Claim }
  /** Recorded as sent already: complete the job without sending. */
  | { readonly status: 'already-sent'; readonly sentBy: string; readonly sentEpoch: number }
  /** The worker's epoch is not the partition's epoch (lost the partition, or a paused zombie). */
  | { readonly status: 'fenced'; readonly workerEpoch: number; readonly currentEpoch: number | null }
  /** Another live claim exists (another worker, or an earlier run of this one): do not send now. */
  | { readonly status: 'in-flight-elsewhere'; readonly holder: ClaimHolder };

/** What recordSent is told about the send: stored with the sent record, except `retentionMs`. */
export interface SentMeta {
  readonly workerId: string;
  /** HTTP status of the successful attempt. */
  readonly statusCode: number;
  /** 1-based attempt number. */
  readonly attempt?: number;
  /** How long the record is kept (its TTL, ms, at least one minute); default the ledger's `sentRetentionMs`. */
  readonly retentionMs?: number;
}

/**
 * State of the caller's claim when recordSent ran: `held` (released now), `expired` (nobody held
 * it) or `taken` (another worker claimed it meanwhile: that worker may be sending a duplicate).
 */
export type ClaimStateAtRecord = 'held' | 'expired' | 'taken';

export type RecordResult =
  | { readonly status: 'recorded'; readonly claimState: ClaimStateAtRecord }
  /** Recorded before (by `recordedBy`); `sameClaim` when that record came from this very claim token. */
  | {
      readonly status: 'already-recorded';
      readonly claimState: ClaimStateAtRecord;
      readonly recordedBy: string;
      readonly sameClaim: boolean;
    };

export type ReleaseResult = 'released' | 'not-held';

export interface SentRecord {
  readonly deliveryId: string;
  readonly workerId: string;
  readonly epoch: number;
  readonly statusCode: number;
  readonly attempt: number | null;
  /** Unix ms when recorded (worker clock). */
  readonly recordedAt: number;
}
