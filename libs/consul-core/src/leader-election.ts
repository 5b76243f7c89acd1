import {
  abortableSleep,
  type BackoffPolicy,
  backoffDelay,
  childController,
  DEFAULT_BACKOFF,
  Emitter,
} from '@spaceport/runtime-core';
import { type BlockingFetchRequest, blockingTimeoutMs, stepBlockingState } from './blocking-query';
import { type ConsulClient } from './client';
import { type ClientCall, statusCodeOf, unpackResponse, withRequestContext } from './consul-request';
import { type KvRawEntry } from './kv';
import { LeaderSession, type SessionSettings } from './leader-session';
import { blockingGetKey } from './watches';

// Design notes
// - Session behavior `release` (not `delete`): the key survives an invalidation, so its LockIndex
//   (incremented by every successful acquire) only grows and stays usable as the leader's fencing
//   token. With `delete` the key, and so the LockIndex, would restart at 1 after every failover.
//   Never delete the leader key by hand for the same reason.
// - The session depends on `serfHealth` and the instance's TTL service check: a dead process stops
//   passing the check, the check goes critical after its TTL and Consul invalidates the session at
//   once, without waiting for the session TTL (which Consul enforces only between TTL and 2 x TTL).
// - Lock-delay: after an invalidation Consul refuses acquisitions for lock-delay. A follower that
//   sees the key free but cannot acquire retries every lock-delay/4. A graceful `stop()` releases
//   the key explicitly before destroying the session, and an explicit release has no lock-delay.
// - Local lease: a renewal sent at t keeps the session valid until at least t + TTL on the servers;
//   the elector trusts it until t + 0.9 x TTL. If renewals fail (agent unreachable, frozen), the
//   elector steps down (`lost: lease-expired`) when the lease ends, even if Consul never answered.
// - Ordering: every path that ends leadership goes through `loseLeadership`, which clears the flag
//   and emits `lost` synchronously before the term is aborted; only then does the elector release,
//   destroy, create a new session or campaign again.

export type LostReason =
  /** the key no longer names our session: the session was invalidated (check critical, TTL, destroyed) */
  | 'lock-released'
  /** another session holds the key */
  | 'lock-taken'
  /** the key was deleted */
  | 'lock-deleted'
  /** renewing answered "session not found" */
  | 'session-invalidated'
  /** no successful renew within the session TTL: Consul may already have invalidated the session */
  | 'lease-expired'
  | 'stopped';

export type LeaderElectionEvents = {
  /** a new session was created (before campaigning with it) */
  session: [sessionId: string];
  /** this instance leads; `lockIndex` is its fencing token */
  elected: [lockIndex: number];
  /** this instance no longer leads; fired before the elector does anything else */
  lost: [reason: LostReason];
  /** a Consul call failed; the elector keeps trying */
  error: [error: unknown];
};

export interface LeaderElectionOptions extends Partial<SessionSettings> {
  client: ConsulClient;
  /** full Consul key of the lock, e.g. `spaceport/<cluster>/leader` */
  key: string;
  nodeId: string;
  /** the instance's service check (ServiceRegistration.checkId): the session is tied to it and serfHealth */
  serviceCheckId?: string;
  /** JSON value written into the key on acquisition, default `{ nodeId }` */
  value?: unknown;
  /** `wait` of the blocking reads of the key, default 60 s */
  waitMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** aborting it stops the elector like `stop()` */
  signal?: AbortSignal;
}

/** Pure: why an observed lock entry means we do not (or no longer) hold it; undefined = we hold it. */
export function lockLossReason(entry: KvRawEntry | undefined, sessionId: string): LostReason | undefined {
  if (!entry) return 'lock-deleted';
  if (!entry.Session) return 'lock-released';
  return entry.Session === sessionId ? undefined : 'lock-taken';
}

/** Pure: how long to wait before retrying an acquisition that failed while the key was free (lock-delay). */
export function lockDelayRetryMs(lockDelayMs: number): number {
  return Math.min(Math.max(100, Math.floor(lockDelayMs / 4)), Math.max(100, lockDelayMs));
}

/**
 * Leader election on a Consul lock (session + `?acquire=`). The session is tied to serfHealth and
 * the instance's service check, so a dead or unhealthy instance loses the lock; it is renewed at
 * TTL/2. `lockIndex` (the key's LockIndex at acquisition) is the leader's fencing token.
 */
export class LeaderElection extends Emitter<LeaderElectionEvents> {
  private readonly controller = new AbortController();
  private readonly settings: SessionSettings;
  private loop: Promise<void> | undefined;
  private leading = false;
  private fence: number | undefined;
  private session: LeaderSession | undefined;
  private detachSignal: (() => void) | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    this.settings = {
      sessionTtlMs: options.sessionTtlMs ?? 15_000,
      lockDelayMs: options.lockDelayMs ?? 15_000,
      behavior: options.behavior ?? 'release',
      checks: options.checks ?? ['serfHealth', ...(options.serviceCheckId ? [options.serviceCheckId] : [])],
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    };
  }

  /** True while leading. Reading it after the session lease ran out steps down (emitting `lost`) first. */
  get isLeader(): boolean {
    if (this.leading && this.session && this.session.leaseExpired()) this.loseLeadership('lease-expired');
    return this.leading;
  }

  /** The fencing token while leading, undefined otherwise. */
  get lockIndex(): number | undefined {
    return this.isLeader ? this.fence : undefined;
  }

  get sessionId(): string | undefined {
    return this.session?.id;
  }

  start(): this {
    if (this.loop || this.options.signal?.aborted) return this;
    this.loop = this.run(this.controller.signal);
    const external = this.options.signal;
    const onAbort = (): void => void this.stop();
    external?.addEventListener('abort', onAbort, { once: true });
    this.detachSignal = () => external?.removeEventListener('abort', onAbort);
    return this;
  }

  /** Steps down (emitting `lost`), releases the lock, destroys the session; no timers remain. */
  async stop(): Promise<void> {
    this.detachSignal?.();
    this.loseLeadership('stopped');
    this.controller.abort();
    await this.loop;
  }

  /** Resolves with the lock index once this instance leads. */
  async waitUntilLeader(): Promise<number> {
    if (this.isLeader && this.fence !== undefined) return this.fence;
    const [lockIndex] = await this.next('elected');
    return lockIndex;
  }

  private loseLeadership(reason: LostReason): void {
    if (!this.leading) return;
    this.leading = false;
    this.fence = undefined;
    this.emit('lost', reason);
    this.session?.end();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, initialMs: 200, maxMs: 10_000, ...this.options.backoff };
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.runSession(signal);
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        this.emit('error', error);
      }
      await abortableSleep(backoffDelay(failures + 1, policy), signal);
    }
  }

  /** One session's life: create, campaign (and lead), then release and destroy. */
  private async runSession(signal: AbortSignal): Promise<void> {
    const session = await LeaderSession.create(this.options.client, this.options.nodeId, this.settings, signal);
    this.session = session;
    session.on('invalid', (reason) => this.loseLeadership(reason));
    session.on('error', (error) => this.emit('error', error));
    this.emit('session', session.id);
    const { controller, dispose } = childController(signal);
    const endTerm = session.onEnd(() => controller.abort());
    try {
      await this.campaign(session, controller.signal);
    } finally {
      endTerm();
      dispose();
      controller.abort();
      this.loseLeadership(this.controller.signal.aborted ? 'stopped' : 'lock-released');
      this.session = undefined;
      await session.close(this.options.key, this.lockValue());
    }
  }

  private async campaign(session: LeaderSession, term: AbortSignal): Promise<void> {
    const cursor = { index: 0 };
    while (!term.aborted) {
      if (await this.tryAcquire(session, term)) {
        cursor.index = 0;
        const entry = await this.readLock(cursor, term);
        if (!term.aborted && entry && lockLossReason(entry, session.id) === undefined) {
          await this.lead(session, entry.LockIndex, cursor, term);
          return;
        }
      }
      // Not acquired: learn why with a non-blocking read.
      cursor.index = 0;
      let entry = await this.readWithRetry(cursor, term);
      if (!entry?.Session) {
        // Free, yet refused: lock-delay after an invalidation. Retry a few times per lock-delay.
        await abortableSleep(lockDelayRetryMs(this.settings.lockDelayMs), term);
        continue;
      }
      // Held by another session: block until that changes.
      while (!term.aborted && entry?.Session) entry = await this.readWithRetry(cursor, term);
    }
  }

  private lockValue(): string {
    return JSON.stringify(this.options.value ?? { nodeId: this.options.nodeId });
  }

  private async tryAcquire(session: LeaderSession, term: AbortSignal): Promise<boolean> {
    const value = this.lockValue();
    return withRequestContext(term, async (ctx) => {
      const call: ClientCall<{ key: string; value: string; acquire: string }> = {
        key: this.options.key,
        value,
        acquire: session.id,
        ctx,
        timeout: this.settings.requestTimeoutMs,
      };
      return unpackResponse<unknown>(await this.options.client.kv.set(call)).body === true;
    });
  }

  /** One read of the lock key; blocks while the index is unchanged when `cursor.index` > 0. */
  private async readLock(cursor: { index: number }, term: AbortSignal): Promise<KvRawEntry | undefined> {
    const waitMs = this.options.waitMs ?? 60_000;
    const result = await withRequestContext(term, (ctx) => {
      const request: BlockingFetchRequest = {
        index: cursor.index,
        wait: `${waitMs}ms`,
        ctx,
        timeoutMs: blockingTimeoutMs(waitMs),
      };
      return blockingGetKey(this.options.client, this.options.key, request);
    });
    cursor.index = stepBlockingState({ index: cursor.index, fingerprint: undefined }, result.index ?? 0).state.index;
    return result.value;
  }

  /** readLock, retrying transient errors with backoff (the session renewer guards the lease). */
  private async readWithRetry(cursor: { index: number }, term: AbortSignal): Promise<KvRawEntry | undefined> {
    const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, initialMs: 200, maxMs: 5_000, ...this.options.backoff };
    for (let failures = 1; ; failures += 1) {
      try {
        return await this.readLock(cursor, term);
      } catch (error) {
        if (term.aborted) return undefined;
        if (statusCodeOf(error) === undefined) cursor.index = 0;
        this.emit('error', error);
        await abortableSleep(backoffDelay(failures, policy), term);
      }
    }
  }

  private async lead(
    session: LeaderSession,
    lockIndex: number,
    cursor: { index: number },
    term: AbortSignal,
  ): Promise<void> {
    this.leading = true;
    this.fence = lockIndex;
    this.emit('elected', lockIndex);
    while (!term.aborted && this.leading) {
      const entry = await this.readWithRetry(cursor, term);
      if (term.aborted) return;
      const reason = lockLossReason(entry, session.id);
      if (reason) {
        this.loseLeadership(reason);
        return;
      }
    }
  }
}
