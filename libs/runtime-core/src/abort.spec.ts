import { describe, expect, it } from 'vitest';
import { abortableSleep, childController, settlesWithin } from './abort';

describe('abortableSleep', () => {
  it('resolves early on abort and leaves no timer behind', async () => {
    const controller = new AbortController();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const started = Date.now();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(100);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(before);
  });
});

describe('childController', () => {
  it('follows its parent until disposed', () => {
    const parent = new AbortController();
    const { controller } = childController(parent.signal);
    parent.abort();
    expect(controller.signal.aborted).toBe(true);
    const other = new AbortController();
    const detached = childController(other.signal);
    detached.dispose();
    other.abort();
    expect(detached.controller.signal.aborted).toBe(false);
  });
});

describe('settlesWithin', () => {
  it('is true for a promise that resolves or rejects in time, false for one that does not', async () => {
    expect(await settlesWithin(Promise.resolve(1), 50)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('no')), 50)).toBe(true);
    const started = performance.now();
    expect(await settlesWithin(new Promise(() => undefined), 30)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
