import { describe, expect, it } from 'vitest';
import { eventStatusOf } from './delivery-job';

describe('eventStatusOf', () => {
  it('aggregates delivery statuses into an event status', () => {
    expect(eventStatusOf([])).toBe('processed');
    expect(eventStatusOf(['staged', 'staged'])).toBe('staged');
    expect(eventStatusOf(['processed', 'staged'])).toBe('processing');
    expect(eventStatusOf(['processed', 'failed'])).toBe('failed');
    expect(eventStatusOf(['processed', 'cancelled'])).toBe('processed');
    expect(eventStatusOf(['cancelled'])).toBe('cancelled');
  });
});
