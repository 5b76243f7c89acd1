import { describe, expect, it } from 'vitest';
import { SyncSlots } from './sync-slots';

describe('SyncSlots', () => {
  it('gives out at most `limit` slots, reporting each change of the count', () => {
    const changes: number[] = [];
    const slots = new SyncSlots(2, (held) => changes.push(held));
    const first = slots.take();
    const second = slots.take();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(slots.take()).toBeUndefined();
    expect(slots.held).toBe(2);
    first?.release();
    expect(slots.held).toBe(1);
    const third = slots.take();
    expect(third).toBeDefined();
    expect(slots.take()).toBeUndefined();
    second?.release();
    third?.release();
    expect(slots.held).toBe(0);
    expect(changes).toEqual([1, 2, 1, 2, 1, 0]);
  });

  it('frees a slot once however often it is released', () => {
    const slots = new SyncSlots(1);
    const slot = slots.take();
    slot?.release();
    slot?.release();
    expect(slots.held).toBe(0);
    const again = slots.take();
    expect(again).toBeDefined();
    slot?.release(); // the old handle must not free the new holder's slot
    expect(slots.held).toBe(1);
    expect(slots.take()).toBeUndefined();
  });

  it('refuses a limit below 1 or not an integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new SyncSlots(bad)).toThrow(RangeError);
  });
});
