import { Cluster, type ClusterNode, type ClusterOptions } from 'ioredis';

/** The ioredis internals a Cluster changes its status through (ioredis 5, `built/cluster/index.js`). */
interface ClusterInternals {
  readonly status: string;
  readonly startupNodes: ClusterNode[];
  setStatus(status: string): void;
}

/**
 * An ioredis Cluster client that stays `end` once it ended.
 *
 * ioredis 5 has a gap: `disconnect()` empties the node pool and disconnects every node client; the
 * first node's `end` drains the pool, the cluster goes `close`, then `end` — and every further node's
 * `end` drains the (still empty) pool again and sets the status back to `close`, with no listener left
 * to end it. A command the cluster held for a retry meanwhile (a blocking BZPOPMIN that lost its node in
 * a failover waits `retryDelayOnFailover`) then finds the cluster `close`, not `end`, and goes to the
 * offline queue, which nothing flushes any more: it never settles. BullMQ's `Worker.close()` waits for
 * its blocking command, and BullMQ also takes a non-`end` cluster with no nodes for one to reconnect, so
 * a worker closed within a second or so of losing a master closed only when BullMQ's watchdog gave up
 * on the BZPOPMIN (its drain delay + 1 s). Here a `close` after `end` is ignored: the cluster stays
 * ended and rejects such a command ("Cluster is ended."). A `connect()` after `end` still works (it
 * leaves `end` through `connecting`). Duplicates (BullMQ's blocking connections) are of this class too.
 */
export class EndingCluster extends Cluster {
  constructor(startupNodes: ClusterNode[], options?: ClusterOptions) {
    super(startupNodes, options);
    const internals = this as unknown as ClusterInternals;
    const setStatus = internals.setStatus.bind(this);
    internals.setStatus = (status: string): void => {
      if (status === 'close' && internals.status === 'end') return;
      setStatus(status);
    };
  }

  override duplicate(overrideStartupNodes: ClusterNode[] = [], overrideOptions: ClusterOptions = {}): EndingCluster {
    const startupNodes =
      overrideStartupNodes.length > 0
        ? overrideStartupNodes
        : (this as unknown as ClusterInternals).startupNodes.slice(0);
    return new EndingCluster(startupNodes, { ...this.options, ...overrideOptions });
  }
}
