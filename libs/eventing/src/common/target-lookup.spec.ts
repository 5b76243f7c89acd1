import { describe, expect, it } from 'vitest';
import { shopSpec } from '../testing-fixtures/fixtures';
import { snapshotOf } from '../testing-fixtures/snapshot';
import { lookupTarget, NOT_SENT_REASON_OF } from './target-lookup';

describe('lookupTarget', () => {
  const snapshot = snapshotOf(
    shopSpec({
      live: { type: 'order', url: 'https://a.example/h' },
      off: { type: 'order', url: 'https://b.example/h', enabled: false },
    }),
  );
  const job = (project: string, triggerId: string) => ({ project, triggerId });

  it('names why the config has no target, each with its own metric reason', () => {
    const reasons = [job('gone', 'live'), job('shop', 'deleted'), job('shop', 'off')].map((j) => {
      const target = lookupTarget(snapshot, j);
      if (target.kind === 'ok') throw new Error('expected no target');
      return [target.reason, NOT_SENT_REASON_OF[target.reason]];
    });
    expect(reasons).toEqual([
      ['project deleted', 'project-deleted'],
      ['trigger deleted', 'trigger-deleted'],
      ['trigger disabled', 'trigger-disabled'],
    ]);
    expect(lookupTarget(snapshot, job('shop', 'live')).kind).toBe('ok');
  });
});
