import { describe, expect, it } from 'vitest';
import { shopSpec } from '../testing-fixtures/fixtures';
import { snapshotOf } from '../testing-fixtures/snapshot';
import { redeliverTargets } from './redeliver-targets';

describe('redeliverTargets', () => {
  const snapshot = snapshotOf(
    shopSpec({
      live: { type: 'order', url: 'https://a.example/h' },
      off: { type: 'order', url: 'https://b.example/h', enabled: false },
    }),
  );

  it('keeps the triggers the config can send to and skips the others with the reason', () => {
    expect(redeliverTargets(snapshot, 'shop', ['live', 'gone', 'off'])).toEqual({
      sendable: ['live'],
      skipped: [
        { trigger: 'gone', reason: 'trigger deleted' },
        { trigger: 'off', reason: 'trigger disabled' },
      ],
    });
  });

  it('skips every trigger of a deleted project', () => {
    expect(redeliverTargets(snapshot, 'mall', ['live'])).toEqual({
      sendable: [],
      skipped: [{ trigger: 'live', reason: 'project deleted' }],
    });
  });
});
