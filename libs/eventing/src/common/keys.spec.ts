import { describe, expect, it } from 'vitest';
import { eventingKeys, partitionQueueName } from './keys';

describe('eventing keys', () => {
  it('names keys and queues with the cluster hash tag', () => {
    expect(eventingKeys('prod').events('shop')).toBe('sp:{prod}:ev:events:shop');
    expect(eventingKeys('prod').partitionConsumer(7)).toBe('sp:{prod}:ev:consumer:7');
    expect(partitionQueueName('prod', 7)).toBe('sp-prod-p7');
    expect(partitionQueueName('prod', 7, true)).toBe('sp-prod-p7-ordered');
    expect(() => eventingKeys('a b')).toThrow(RangeError);
  });
});
