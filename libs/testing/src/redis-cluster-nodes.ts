// The pure parts of a Redis Cluster (CLUSTER NODES parsing, slot ranges, health of a view): they live in
// libs/testing/src/redis-topology.mjs, shared with `npm start -- --redis cluster`, and are re-exported here.
export {
  CLUSTER_SLOTS,
  type ClusterNodeEntry,
  type ClusterView,
  clusterView,
  isHealthyView,
  knowsAll,
  ownerOf,
  parseClusterNodes,
  type SlotRange,
  slotRangesFor,
} from './redis-topology.mjs';
