/**
 * A project's event index is one sorted set per partition (its shard, in the partition's slot), members
 * = event ids, which are ULIDs: lexical order = acceptance order across shards too. A page of the
 * project's log is the k-way merge of its shards, newest first, below a cursor that is an event id —
 * the same cursor the API gave before the index was sharded.
 */

/** An event id and the partition (index shard) it was read from. */
export interface ShardedId {
  readonly id: string;
  readonly partition: number;
}

export interface ShardMerge<View> {
  /** number of shards (partitions 0 … shards - 1) */
  readonly shards: number;
  /** ids read from one shard per read */
  readonly batch: number;
  /** exclusive or inclusive upper bound of the first read, in ZRANGEBYLEX syntax (`+`, `(<id>`) */
  readonly top: string;
  readonly limit: number;
  /** up to `batch` ids of shard `partition` below `upper`, newest first */
  readShard(partition: number, upper: string): Promise<string[]>;
  /** the views of `ids` (undefined: gone meanwhile), in their order */
  readEvents(ids: readonly ShardedId[]): Promise<(View | undefined)[]>;
  /** the page's filter */
  keep(view: View): boolean;
}

export interface MergedPage<View> {
  readonly events: View[];
  /** the last id examined, for the next (older) page; null at the end */
  readonly nextCursor: string | null;
}

interface ShardCursor {
  readonly partition: number;
  upper: string;
  buffer: string[];
  exhausted: boolean;
}

/** Ids per shard read: enough for a page when the events spread over the shards, at least 10. */
export function shardBatchSize(limit: number, shards: number): number {
  return Math.min(Math.max(limit, 50), Math.max(10, Math.ceil((2 * limit) / Math.max(1, shards))));
}

/** Events each shard of a project's log keeps: the project's maxCount spread over its partitions. */
export function shardMaxCount(maxCount: number, partitionCount: number): number {
  return Math.max(1, Math.ceil(maxCount / Math.max(1, partitionCount)));
}

/**
 * Newest first below `top`, `limit` views that `keep` accepts, examining at most 20 × limit ids (then
 * the cursor points past what was examined, as the unsharded index did). Each round refills the
 * shards whose buffer ran empty (in parallel), then takes ids in merged order while every shard that
 * may hold more has one buffered, so no id is ever taken before a newer one of another shard.
 */
export async function mergeShardPages<View>(merge: ShardMerge<View>): Promise<MergedPage<View>> {
  const cursors: ShardCursor[] = Array.from({ length: merge.shards }, (_, partition) => ({
    partition,
    upper: merge.top,
    buffer: [],
    exhausted: false,
  }));
  const events: View[] = [];
  const budget = merge.limit * 20;
  const round = Math.max(merge.limit, 50);
  let scanned = 0;
  let last: string | undefined;
  while (events.length < merge.limit && scanned < budget) {
    await Promise.all(cursors.map((cursor) => refill(cursor, merge)));
    const taken = takeInOrder(cursors, Math.min(round, budget - scanned));
    if (taken.length === 0) return { events, nextCursor: null };
    scanned += taken.length;
    const views = await merge.readEvents(taken);
    for (const [position, { id }] of taken.entries()) {
      last = id;
      const view = views[position];
      if (view !== undefined && merge.keep(view)) events.push(view);
      if (events.length === merge.limit) return { events, nextCursor: id };
    }
  }
  return { events, nextCursor: last ?? null };
}

async function refill<View>(cursor: ShardCursor, merge: ShardMerge<View>): Promise<void> {
  if (cursor.buffer.length > 0 || cursor.exhausted) return;
  const ids = await merge.readShard(cursor.partition, cursor.upper);
  cursor.buffer = ids;
  if (ids.length < merge.batch) cursor.exhausted = true;
  const oldest = ids.at(-1);
  if (oldest !== undefined) cursor.upper = `(${oldest}`;
}

/** Pops up to `max` ids, newest first, stopping when a shard that may hold more has nothing buffered. */
function takeInOrder(cursors: readonly ShardCursor[], max: number): ShardedId[] {
  const taken: ShardedId[] = [];
  while (taken.length < max) {
    let newest: ShardCursor | undefined;
    for (const cursor of cursors) {
      const head = cursor.buffer[0];
      if (head === undefined) {
        if (!cursor.exhausted) return taken;
        continue;
      }
      if (newest === undefined || head > newest.buffer[0]!) newest = cursor;
    }
    if (newest === undefined) return taken;
    taken.push({ id: newest.buffer.shift()!, partition: newest.partition });
  }
  return taken;
}
