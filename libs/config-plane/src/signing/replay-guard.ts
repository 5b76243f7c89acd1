/** A message is accepted only when its `sentAt` is within this of the receiver's clock (either way). */
export const MAX_CLOCK_SKEW_MS = 60_000;
/** Per sender: a seq this far below the highest seen is refused as old (reordering within it is fine). */
export const SEQ_WINDOW = 1_024;
/** Bounds: nonces kept (each for 2 × MAX_CLOCK_SKEW_MS at most) and senders tracked. */
export const MAX_NONCES = 50_000;
export const MAX_ORIGINS = 1_000;

export type ReplayProblem = 'expired' | 'replayed' | 'old-sequence';

interface OriginWindow {
  highest: number;
  /** seqs seen above `highest - SEQ_WINDOW` */
  seen: Set<number>;
}

/**
 * Receiver-side freshness of signed messages (call it only for messages whose signature is good):
 * - `sentAt` within ±MAX_CLOCK_SKEW_MS of now, else `expired`;
 * - a nonce seen before (within that time) → `replayed`;
 * - per sender origin, a sliding window over seq (as IPsec's anti-replay window): a seq already seen
 *   → `replayed`, one SEQ_WINDOW or more below the highest → `old-sequence`. Redis may reorder a sender's
 *   messages a little (a Redis Cluster publishes through any node); it cannot bring back an old one.
 * Both memories are bounded (oldest dropped first); a message only gets through a dropped entry while
 * it is still within the time window and its nonce has been pushed out by MAX_NONCES newer ones.
 */
export class ReplayGuard {
  private readonly nonces = new Map<string, number>();
  private readonly origins = new Map<string, OriginWindow>();

  check(
    message: { sentAt: number; nonce: string; origin: string; seq: number },
    now: number,
  ): ReplayProblem | undefined {
    if (Math.abs(now - message.sentAt) > MAX_CLOCK_SKEW_MS) return 'expired';
    this.forgetNonces(now);
    if (this.nonces.has(message.nonce)) return 'replayed';
    const window = this.origins.get(message.origin);
    if (window) {
      if (message.seq <= window.highest - SEQ_WINDOW) return 'old-sequence';
      if (window.seen.has(message.seq)) return 'replayed';
    }
    this.remember(message, now, window);
    return undefined;
  }

  private remember(message: { nonce: string; origin: string; seq: number }, now: number, known?: OriginWindow): void {
    this.nonces.set(message.nonce, now);
    if (this.nonces.size > MAX_NONCES) this.nonces.delete(this.nonces.keys().next().value as string);
    const window = known ?? { highest: message.seq, seen: new Set<number>() };
    window.seen.add(message.seq);
    if (message.seq > window.highest) window.highest = message.seq;
    if (window.seen.size > 2 * SEQ_WINDOW)
      for (const seq of window.seen) if (seq <= window.highest - SEQ_WINDOW) window.seen.delete(seq);
    this.origins.delete(message.origin); // most recently heard last
    this.origins.set(message.origin, window);
    if (this.origins.size > MAX_ORIGINS) this.origins.delete(this.origins.keys().next().value as string);
  }

  /** Nonces are kept in arrival order; those older than twice the skew can no longer pass the time check. */
  private forgetNonces(now: number): void {
    for (const [nonce, at] of this.nonces) {
      if (now - at <= 2 * MAX_CLOCK_SKEW_MS) break;
      this.nonces.delete(nonce);
    }
  }
}
