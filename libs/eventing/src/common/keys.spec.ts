import { ledgerKeyPrefix, ledgerKeys } from '@spaceport/delivery-ledger';
import { CLUSTER_SLOTS, partitionHashTag, slotOf } from '@spaceport/redis-core';
import { QueueKeys } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { eventingKeys, partitionQueueAddress, partitionQueueName, partitionQueuePrefix } from './keys';

const keys = eventingKeys('prod');
const ledger = ledgerKeys(ledgerKeyPrefix('prod'));

/** BullMQ's own key names of a partition queue, a job and its lock (BullMQ's QueueKeys: pure). */
function bullKeys(partition: number, ordered: boolean): string[] {
  const { name, prefix } = partitionQueueAddress('bull', 'prod', partition, ordered);
  const queueKeys = new QueueKeys(prefix);
  const job = queueKeys.toKey(name, 'msg_1');
  return [...Object.values(queueKeys.getKeys(name)), job, `${job}:lock`];
}

const sameSlot = (group: readonly string[]): void => {
  const slots = new Set(group.map(slotOf));
  expect(slots.size, group.join(' ')).toBe(1);
};

describe('eventing keys', () => {
  it('names keys and queues with the hash tag of their partition or of the cluster', () => {
    expect(keys.events('shop', 3)).toBe(`sp:${partitionHashTag('prod', 3)}:ev:events:shop`);
    expect(keys.event('shop', 3, 'E1')).toBe(`sp:${partitionHashTag('prod', 3)}:ev:event:shop:E1`);
    expect(keys.invocations('shop', 3, 'E1')).toBe(`sp:${partitionHashTag('prod', 3)}:ev:inv:shop:E1`);
    expect(keys.partitionConsumer(7)).toBe('sp:{prod}:ev:consumer:7');
    expect(keys.idempotency('shop', 'k')).toBe('sp:{prod}:ev:idem:shop:k');
    expect(keys.syncReply('gateway-1')).toBe('sp:{prod}:ev:sync-reply:gateway-1');
    expect(partitionQueueName('prod', 7)).toBe('sp-prod-p7');
    expect(partitionQueueName('prod', 7, true)).toBe('sp-prod-p7-ordered');
    expect(partitionQueuePrefix('bull', 'prod', 7)).toBe(`bull:${partitionHashTag('prod', 7)}`);
    expect(() => eventingKeys('a b')).toThrow(RangeError);
  });

  it("keeps every key one script or transaction touches in one slot: the partition's or the cluster's", () => {
    for (const partition of [0, 1, 17, 31]) {
      const queues = [...bullKeys(partition, false), ...bullKeys(partition, true)];
      const event = [keys.event('shop', partition, 'E1'), keys.invocations('shop', partition, 'E1')];
      const recordAccepted = [...event, keys.events('shop', partition), keys.event('shop', partition, 'E0')];
      const claim = [ledger.sent('d', partition), ledger.claim('d', partition), ledger.epoch(partition)];
      // recordSent/releaseClaim + the attempt log (one script); the queue-state script reads both queues
      const recordSent = [ledger.sent('d', partition), ledger.claim('d', partition), ...event];
      sameSlot([...queues, ...recordAccepted, ...claim, ...recordSent]);
    }
    // the hold script (DLQ + disabled set + reasons), the disable MULTI, the consumer-records script
    sameSlot([keys.dlq('shop'), keys.disabledTriggers, keys.disabledReasons]);
    sameSlot([0, 1, 2, 63].map((partition) => keys.partitionConsumer(partition)));
    sameSlot([keys.partitionHighWater, keys.idempotency('shop', 'k'), keys.failureRun('shop', 't')]);
  });

  it('spreads the partitions over the 16384 slots, so over the shards of a cluster', () => {
    for (const count of [32, 256]) {
      const slots = Array.from({ length: count }, (_, partition) => slotOf(keys.events('shop', partition)));
      expect(new Set(slots).size).toBeGreaterThan(count * 0.95);
      // three equal shards (slot ranges) of a 3-master cluster each hold 33 % ± 5 % of them (the tags are
      // aimed at evenly spread slot windows, libs/redis-core/src/key-layout.ts)
      const perShard = [0, 1, 2].map(
        (shard) => slots.filter((slot) => Math.floor((slot * 3) / CLUSTER_SLOTS) === shard).length,
      );
      for (const share of perShard) expect(Math.abs(share / count - 1 / 3)).toBeLessThan(0.05);
    }
  });

  it('computes slots as Redis does (CLUSTER KEYSLOT)', () => {
    expect(slotOf('foo')).toBe(12182);
    expect(slotOf('bar')).toBe(5061);
    expect(slotOf('{foo}.x')).toBe(12182);
  });
});
