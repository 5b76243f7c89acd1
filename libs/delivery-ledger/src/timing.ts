/**
 * Claim TTL rules. A claim must outlive the HTTP request it guards: the worker starts its request no
 * later than `sendBy` (its own monotonic clock, measured from *before* the claim command was sent),
 * and the request is aborted after `httpTimeoutMs`, so it is over before the claim can expire in Redis
 * — with `safetyMarginMs` to spare for clock rate differences and event-loop lag.
 */

export interface ClaimTiming {
  /** Timeout of one webhook HTTP attempt, in ms. */
  readonly httpTimeoutMs: number;
  /** Slack between the end of the HTTP timeout and the claim's expiry, in ms. */
  readonly safetyMarginMs: number;
}

export const DEFAULT_SAFETY_MARGIN_MS = 1_000;
/**
 * Default retention of a sent record when the caller gives none: one hour. A sent record must outlive
 * every way its delivery can be claimed again; the caller knows those ways (the event worker's are in
 * docs/architecture.md, "Once-only delivery") and passes the retention per record.
 */
export const DEFAULT_SENT_RETENTION_MS = 3_600_000;
/** The shortest sent-record retention the ledger accepts. */
export const MIN_SENT_RETENTION_MS = 60_000;

function assertPositiveInteger(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${what} must be a positive integer (ms), got ${value}`);
}

/** Throws unless the timing itself is sane (positive timeout, non-negative margin). */
export function validateClaimTiming(timing: ClaimTiming): ClaimTiming {
  assertPositiveInteger('httpTimeoutMs', timing.httpTimeoutMs);
  if (!Number.isSafeInteger(timing.safetyMarginMs) || timing.safetyMarginMs < 0) {
    throw new RangeError(`safetyMarginMs must be a non-negative integer (ms), got ${timing.safetyMarginMs}`);
  }
  return timing;
}

/** The smallest claim TTL allowed: HTTP timeout + safety margin + at least 1 ms to start the send. */
export function minimumClaimTtlMs(timing: ClaimTiming): number {
  return timing.httpTimeoutMs + timing.safetyMarginMs + 1;
}

/** Throws a RangeError unless `claimTtlMs` is an integer that outlives the HTTP timeout plus margin. */
export function validateClaimTtl(claimTtlMs: number, timing: ClaimTiming): number {
  assertPositiveInteger('claimTtlMs', claimTtlMs);
  const minimum = minimumClaimTtlMs(timing);
  if (claimTtlMs < minimum) {
    throw new RangeError(
      `claimTtlMs ${claimTtlMs} must exceed httpTimeoutMs ${timing.httpTimeoutMs} + safetyMarginMs ${timing.safetyMarginMs} (minimum ${minimum})`,
    );
  }
  return claimTtlMs;
}

/**
 * The latest local monotonic time (ms, `performance.now()` scale) at which the HTTP request may start
 * for a claim whose command left at `requestedAt`.
 */
export function sendDeadline(requestedAt: number, claimTtlMs: number, timing: ClaimTiming): number {
  return requestedAt + claimTtlMs - timing.httpTimeoutMs - timing.safetyMarginMs;
}

/** True while a claim with deadline `sendBy` still covers an HTTP request started at `now`. */
export function maySendAt(sendBy: number, now: number): boolean {
  return now <= sendBy;
}

/** Throws a RangeError unless `ms`, a sent record's retention, is an integer of at least one minute. */
export function validateSentRetention(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < MIN_SENT_RETENTION_MS) {
    throw new RangeError(`sent retention must be an integer of at least ${MIN_SENT_RETENTION_MS} ms, got ${ms}`);
  }
  return ms;
}
