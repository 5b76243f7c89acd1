// Test fixture: reads the cluster state the way an operator would (gateway `GET /v1/cluster`) and
// the deliveries a worker has in flight (its live claims in the delivery ledger, straight from Redis).
import { Redis } from 'ioredis';

export interface ClusterView {
  leader: { nodeId: string } | null;
  generation: number | null;
  partitions: { partition: number; owner: string | null; pendingHandoffFrom?: string[]; backlog?: number }[];
}

export async function readCluster(gatewayUrl: string, adminToken: string): Promise<ClusterView | undefined> {
  const res = await fetch(`${gatewayUrl}/v1/cluster`, {
    headers: { authorization: `Bearer ${adminToken}` },
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  if (res?.status !== 200) return undefined;
  return (await res.json()) as ClusterView;
}

export function partitionsOf(view: ClusterView, nodeId: string): number[] {
  return view.partitions.filter((p) => p.owner === nodeId).map((p) => p.partition);
}

/**
 * Every partition owned by one of `live`, counts differ by at most 1, every live worker owns some; with
 * `partitionCount`, also exactly that many partitions listed (the assignment's and any the data plane reads).
 */
export function isBalancedOver(view: ClusterView, live: readonly string[], partitionCount?: number): boolean {
  if (view.partitions.length === 0) return false;
  if (partitionCount !== undefined && view.partitions.length !== partitionCount) return false;
  if (view.partitions.some((p) => p.owner === null || !live.includes(p.owner))) return false;
  const counts = live.map((id) => partitionsOf(view, id).length);
  return Math.max(...counts) - Math.min(...counts) <= 1 && Math.min(...counts) > 0;
}

/** The delivery ledger's live claims per worker: the deliveries each one has in flight right now. */
export class LedgerInspector {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly clusterId: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
  }

  async claimsOf(workerId: string): Promise<number> {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `sp:{${this.clusterId}:p*}:ledger:claim:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      const holders = await Promise.all(keys.map((key) => this.redis.hget(key, 'worker')));
      count += holders.filter((holder) => holder === workerId).length;
    } while (cursor !== '0');
    return count;
  }

  /** Deletes every partition epoch of the cluster, as a Redis restart without persistence loses them; returns how many. */
  async deleteEpochs(): Promise<number> {
    const keys = await this.redis.keys(`sp:{${this.clusterId}:p*}:ledger:epoch:*`);
    return keys.length === 0 ? 0 : this.redis.del(...keys);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
