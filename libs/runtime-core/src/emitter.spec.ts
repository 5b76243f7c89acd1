import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter';

describe('Emitter', () => {
  it('delivers typed events in order, unsubscribes, and drops an unheard error', async () => {
    const emitter = new Emitter<{ n: [value: number]; error: [error: unknown] }>();
    const seen: number[] = [];
    const off = emitter.on('n', (v) => seen.push(v));
    emitter.emit('n', 1);
    const next = emitter.next('n');
    emitter.emit('n', 2);
    off();
    emitter.emit('n', 3);
    expect(seen).toEqual([1, 2]);
    expect(await next).toEqual([2]);
    expect(() => emitter.emit('error', new Error('nobody listens'))).not.toThrow();
  });
});
