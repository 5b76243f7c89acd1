/** One taken slot: `release` gives it back; a second call does nothing. */
export interface SyncSlot {
  release(): void;
}

/**
 * The bound on the synchronous calls one gateway holds (`EVENTING_SYNC_MAX_PENDING`,
 * docs/space-cloud.md#synchronous-events): a counter, no queue. A call takes a slot before anything is
 * published and gives it back however it ends; without a free slot it is refused at once. Pure: the
 * caller reports `held` (the gauge) through `onChange`.
 */
export class SyncSlots {
  private taken = 0;

  constructor(
    readonly limit: number,
    private readonly onChange: (held: number) => void = () => undefined,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer ≥ 1, got ${limit}`);
  }

  /** Slots taken now. */
  get held(): number {
    return this.taken;
  }

  /** A slot, or undefined when all `limit` are taken. */
  take(): SyncSlot | undefined {
    if (this.taken >= this.limit) return undefined;
    this.taken += 1;
    this.onChange(this.taken);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.taken -= 1;
        this.onChange(this.taken);
      },
    };
  }
}
