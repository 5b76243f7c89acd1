import { describe, expect, it } from 'vitest';
import {
  acceptsSnapshotReply,
  decidePublication,
  isAuthoritySilent,
  resyncNeededByHeartbeat,
  type TrackerState,
} from './stream-tracker';

const at = (origin: string, seq: number): TrackerState => ({ position: { origin, seq }, version: seq * 10 });
const empty: TrackerState = { position: undefined, version: undefined };

describe('publications', () => {
  it('applies the next seq, ignores duplicates and older ones', () => {
    expect(decidePublication(at('a', 3), { origin: 'a', seq: 4 })).toEqual({
      action: 'apply',
      gap: false,
      newOrigin: false,
    });
    expect(decidePublication(at('a', 3), { origin: 'a', seq: 3 })).toEqual({ action: 'ignore' });
    expect(decidePublication(at('a', 3), { origin: 'a', seq: 1 })).toEqual({ action: 'ignore' });
  });
  it('applies a jump (the publication is a full snapshot) and flags the gap', () => {
    expect(decidePublication(at('a', 3), { origin: 'a', seq: 6 })).toEqual({
      action: 'apply',
      gap: true,
      newOrigin: false,
    });
  });
  it('applies a new origin whatever its seq (the authority restarted)', () => {
    expect(decidePublication(at('a', 30), { origin: 'b', seq: 1 })).toEqual({
      action: 'apply',
      gap: false,
      newOrigin: true,
    });
    expect(decidePublication(empty, { origin: 'a', seq: 9 })).toMatchObject({ action: 'apply' });
  });
});

describe('heartbeats', () => {
  it('asks for a snapshot when a publication was missed, the origin changed, or none is held', () => {
    expect(resyncNeededByHeartbeat(at('a', 3), { origin: 'a', seq: 4 })).toBe('missed-publication');
    expect(resyncNeededByHeartbeat(at('a', 3), { origin: 'b', seq: 1 })).toBe('new-origin');
    expect(resyncNeededByHeartbeat(empty, { origin: 'a', seq: 1 })).toBe('no-snapshot');
  });
  it('is quiet when in sync', () => {
    expect(resyncNeededByHeartbeat(at('a', 3), { origin: 'a', seq: 3 })).toBeUndefined();
  });
});

describe('silence and snapshot replies', () => {
  it('calls the authority silent after the bound', () => {
    expect(isAuthoritySilent(undefined, 1_000, 600)).toBe(true);
    expect(isAuthoritySilent(1_000, 1_600, 600)).toBe(false);
    expect(isAuthoritySilent(1_000, 1_601, 600)).toBe(true);
  });
  it('never goes back to an older snapshot of the same origin', () => {
    expect(acceptsSnapshotReply(at('a', 5), { origin: 'a', seq: 4 })).toBe(false);
    expect(acceptsSnapshotReply(at('a', 5), { origin: 'a', seq: 5 })).toBe(true);
    expect(acceptsSnapshotReply(at('a', 5), { origin: 'b', seq: 1 })).toBe(true);
  });
});
