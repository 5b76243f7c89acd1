import { abortableSleep, type BackoffPolicy, backoffDelay, Emitter } from '@spaceport/runtime-core';
import { type ConsulClient } from './client';
import { type ClientCall, statusCodeOf, unpackResponse, withRequestContext } from './consul-request';

export interface SessionSettings {
  /** session TTL (Consul accepts 10 s – 24 h); renewed every TTL/2 */
  sessionTtlMs: number;
  /** Consul lock-delay: after an invalidation nobody can acquire the lock for this long */
  lockDelayMs: number;
  /** `release` keeps the key (and its LockIndex, the fencing token, keeps growing) */
  behavior: 'release' | 'delete';
  /** check ids the session depends on, e.g. `serfHealth` and the instance's `service:<id>` */
  checks: string[];
  requestTimeoutMs: number;
}

export type SessionEndReason = 'session-invalidated' | 'lease-expired';

export type LeaderSessionEvents = {
  /** renewing failed for good, or the lease ran out: the session can no longer be trusted */
  invalid: [reason: SessionEndReason];
  end: [];
  error: [error: unknown];
};

type CreateSessionOptions = NonNullable<Parameters<ConsulClient['session']['create']>[0]>;

/**
 * Pure: until when a session renewed (or created) by a request sent at `sentAt` is safe to rely on.
 * Consul resets the TTL when it handles the request, so never before `sentAt`; a tenth of the TTL
 * is kept as margin for in-flight leader work and timer lateness.
 */
export function leaseDeadline(sentAt: number, ttlMs: number): number {
  return sentAt + ttlMs - Math.ceil(ttlMs / 10);
}

/** A Consul session with its renew loop and a local lease; `close()` releases and destroys it. */
export class LeaderSession extends Emitter<LeaderSessionEvents> {
  private readonly controller = new AbortController();
  private readonly renewing: Promise<void>;
  private deadline: number;
  private leaseTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: ConsulClient,
    readonly id: string,
    private readonly settings: SessionSettings,
    sentAt: number,
  ) {
    super();
    this.deadline = leaseDeadline(sentAt, settings.sessionTtlMs);
    this.armLeaseTimer();
    this.renewing = this.renewLoop(this.controller.signal);
  }

  static async create(
    client: ConsulClient,
    nodeId: string,
    settings: SessionSettings,
    signal: AbortSignal,
  ): Promise<LeaderSession> {
    const sentAt = Date.now();
    const created = await withRequestContext(signal, (ctx) => {
      const call: ClientCall<CreateSessionOptions> = {
        name: `spaceport-leader:${nodeId}`,
        ttl: `${settings.sessionTtlMs}ms`,
        lockdelay: `${settings.lockDelayMs}ms`,
        behavior: settings.behavior,
        checks: settings.checks,
        ctx,
        timeout: settings.requestTimeoutMs,
      };
      return client.session.create(call);
    });
    const id = unpackResponse<{ ID?: unknown }>(created).body?.ID;
    if (typeof id !== 'string' || id === '') throw new Error('Consul created a session without an ID');
    return new LeaderSession(client, id, settings, sentAt);
  }

  get ended(): boolean {
    return this.controller.signal.aborted;
  }

  leaseExpired(now = Date.now()): boolean {
    return now >= this.deadline;
  }

  /** Calls `listener` once when the session ends; returns the unsubscribe function. */
  onEnd(listener: () => void): () => void {
    if (this.ended) {
      listener();
      return () => undefined;
    }
    return this.on('end', listener);
  }

  /** Stops renewing (idempotent). */
  end(): void {
    if (this.ended) return;
    this.controller.abort();
    clearTimeout(this.leaseTimer);
    this.emit('end');
  }

  /**
   * Ends the session: releases `key`, keeping `value` in it, then destroys the session. An explicit
   * release has no lock-delay, so a graceful hand-over is immediate. The release is attempted even
   * if we never saw the acquisition succeed (an acquire aborted in flight may still have landed);
   * Consul ignores it when another session holds the key. Best effort; failures go to `error`.
   */
  async close(key: string, value: string): Promise<void> {
    this.end();
    await this.renewing;
    const timeout = this.settings.requestTimeoutMs;
    try {
      const release: ClientCall<{ key: string; value: string; release: string }> = {
        key,
        value,
        release: this.id,
        timeout,
      };
      await this.client.kv.set(release);
    } catch (error) {
      this.emit('error', error);
    }
    try {
      const destroy: ClientCall<{ id: string }> = { id: this.id, timeout };
      await this.client.session.destroy(destroy);
    } catch (error) {
      if (statusCodeOf(error) !== 404) this.emit('error', error);
    }
    this.removeAllListeners();
  }

  private invalidate(reason: SessionEndReason): void {
    if (this.ended) return;
    this.emit('invalid', reason);
    this.end();
  }

  private armLeaseTimer(): void {
    clearTimeout(this.leaseTimer);
    this.leaseTimer = setTimeout(() => this.invalidate('lease-expired'), Math.max(0, this.deadline - Date.now()));
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    const ttl = this.settings.sessionTtlMs;
    const policy: BackoffPolicy = { initialMs: 200, maxMs: Math.max(200, Math.floor(ttl / 8)), multiplier: 2 };
    let failures = 0;
    while (!signal.aborted) {
      await abortableSleep(failures === 0 ? Math.floor(ttl / 2) : backoffDelay(failures, policy), signal);
      if (signal.aborted) return;
      const sentAt = Date.now();
      try {
        await withRequestContext(signal, (ctx) => {
          const call: ClientCall<{ id: string }> = {
            id: this.id,
            ctx,
            timeout: Math.min(this.settings.requestTimeoutMs, Math.floor(ttl / 3)),
          };
          return this.client.session.renew(call);
        });
        failures = 0;
        this.deadline = leaseDeadline(sentAt, ttl);
        this.armLeaseTimer();
      } catch (error) {
        if (signal.aborted) return;
        if (statusCodeOf(error) === 404) return this.invalidate('session-invalidated');
        failures += 1;
        this.emit('error', error);
      }
    }
  }
}
