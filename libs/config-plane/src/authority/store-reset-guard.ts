import { type ConfigRef, type ConfigSnapshot, configKeyOf } from '@spaceport/config-model';
import {
  detectStoreReset,
  entryVersions,
  holdsLastGood,
  type RestoreWrite,
  restoreWrites,
  type StoreResetStatus,
  storeResetStatus,
} from './store-reset';

/**
 * Stands between a store that can lose its content behind the config plane's back (Consul KV) and
 * the publications: a snapshot that looks like a reset of the store (see `detectStoreReset`) is not
 * applied; the last good config stays in force until the store holds it again (an operator's
 * restore, or by hand) or the operator accepts the store as it is. Stores that cannot be reset that
 * way (a file) pass every snapshot through.
 */
export class StoreResetGuard {
  private lastGood: ConfigSnapshot | undefined;
  private store: ConfigSnapshot | undefined;
  private reset: { reason: string; detectedAt: number } | undefined;
  /** keys the config API is deleting or deleted since they were last seen in the store */
  private readonly deletedByApi = new Set<string>();

  constructor(
    private readonly guarding: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The config in force: the last snapshot applied. */
  get inForce(): ConfigSnapshot | undefined {
    return this.lastGood;
  }

  /** Seeds the last good config (a restarted config-service, from the copy kept in Redis). */
  seed(lastGood: ConfigSnapshot): void {
    if (this.guarding) this.lastGood ??= lastGood;
  }

  /** A snapshot read from the store → the snapshot to apply, or undefined while the reset holds. */
  onStoreSnapshot(next: ConfigSnapshot): ConfigSnapshot | undefined {
    this.store = next;
    const lastGood = this.lastGood;
    if (!this.guarding || lastGood === undefined) return this.apply(next);
    if (this.reset) return holdsLastGood(lastGood, next) ? this.apply(next) : undefined;
    const reason = detectStoreReset(lastGood, next, this.deletedByApi);
    if (reason === undefined) return this.apply(next);
    this.reset = { reason, detectedAt: this.now() };
    return undefined;
  }

  /** undefined unless a reset is being held. */
  status(): StoreResetStatus | undefined {
    if (!this.reset || !this.lastGood || !this.store) return undefined;
    return storeResetStatus(this.reset.reason, this.reset.detectedAt, this.lastGood, this.store);
  }

  /** The writes that put the last good config back (empty when no reset is held). */
  restorePlan(): RestoreWrite[] {
    return this.reset && this.lastGood && this.store ? restoreWrites(this.lastGood, this.store) : [];
  }

  /** The operator accepts the store as it is: returns the snapshot to apply (undefined: no reset held). */
  acceptStore(): ConfigSnapshot | undefined {
    return this.reset && this.store ? this.apply(this.store) : undefined;
  }

  /** Call before the config API deletes `ref`; `deleteFailed` if the store refused it. */
  deleting(ref: ConfigRef): void {
    this.deletedByApi.add(configKeyOf(ref));
  }

  deleteFailed(ref: ConfigRef): void {
    this.deletedByApi.delete(configKeyOf(ref));
  }

  private apply(next: ConfigSnapshot): ConfigSnapshot {
    this.lastGood = next;
    this.reset = undefined;
    // a delete is accounted for once a snapshot without its key was applied
    const present = entryVersions(next);
    for (const key of [...this.deletedByApi]) if (!present.has(key)) this.deletedByApi.delete(key);
    return next;
  }
}
