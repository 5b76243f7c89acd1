import { describe, expect, it } from 'vitest';
import { defaultEventingSettings, eventingSettingsSchema } from './eventing';
import { safeParseFields } from './issues';

const issuesOf = (body: unknown) => {
  const result = safeParseFields(eventingSettingsSchema, body, 'eventing');
  if (result.success) throw new Error('expected a validation error');
  return result.issues;
};

describe('eventing settings', () => {
  it('has defaults for everything', () => {
    expect(defaultEventingSettings()).toEqual({
      partitionCount: 32,
      defaults: { retries: 3, timeout: 5000, retrySchedule: { baseDelayMs: 1000, maxDelayMs: 600_000 } },
      retention: { maxAgeMs: 7 * 86_400_000, maxCount: 100_000 },
    });
    expect(eventingSettingsSchema.parse({ partitionCount: 1024, defaults: { retries: 0 } }).defaults.retries).toBe(0);
  });

  it.each([0, -1, 1025, 1.5, '32', null])('rejects partition count %s with its field path', (partitionCount) => {
    expect(issuesOf({ partitionCount }).map((i) => i.field)).toEqual(['eventing.partitionCount']);
  });

  it('rejects bad defaults and retention with field paths', () => {
    expect(issuesOf({ defaults: { retries: -1, timeout: 0 } }).map((i) => i.field)).toEqual([
      'eventing.defaults.retries',
      'eventing.defaults.timeout',
    ]);
    expect(issuesOf({ retention: { maxAgeMs: 5, maxCount: 0 } }).map((i) => i.field)).toEqual([
      'eventing.retention.maxAgeMs',
      'eventing.retention.maxCount',
    ]);
    expect(issuesOf({ partitions: 8 })).toEqual([{ field: 'eventing', message: 'unknown field(s): partitions' }]);
  });
});
