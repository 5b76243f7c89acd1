import { type ConfigSnapshot, emptySnapshot, type Project, type Trigger } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { detectStoreReset, holdsLastGood, restoreWrites, storeResetStatus } from './store-reset';
import { StoreResetGuard } from './store-reset-guard';

/** A snapshot at `version` holding projects with triggers, each entry at the version given. */
function snapshotOf(
  version: number,
  projects: Record<string, { version: number; triggers?: Record<string, number>; name?: string }>,
): ConfigSnapshot {
  const snapshot = emptySnapshot(version);
  for (const [id, spec] of Object.entries(projects)) {
    const triggers = Object.fromEntries(
      Object.entries(spec.triggers ?? {}).map(([triggerId, triggerVersion]) => [
        triggerId,
        { version: triggerVersion, value: { id: triggerId, url: `https://${triggerId}.example.com` } as Trigger },
      ]),
    );
    snapshot.projects[id] = { version: spec.version, value: { id, name: spec.name ?? id } as Project, triggers };
  }
  return snapshot;
}

const lastGood = snapshotOf(40, { a: { version: 10, triggers: { t1: 12, t2: 30 } }, b: { version: 35 } });
const none = new Set<string>();

describe('detectStoreReset', () => {
  it('an emptied store is a reset, unless the API deleted every project', () => {
    expect(detectStoreReset(lastGood, snapshotOf(3, {}), none)).toBe(
      'the config store holds no project, the last good config had 2',
    );
    expect(detectStoreReset(lastGood, snapshotOf(41, {}), none)).toMatch(/holds no project/);
    expect(
      detectStoreReset(lastGood, snapshotOf(41, {}), new Set(['config/projects/a', 'config/projects/b'])),
    ).toBeUndefined();
  });

  it('edits moving forward are not a reset: deletes by hand or by the API, new entries, updates', () => {
    expect(
      detectStoreReset(lastGood, snapshotOf(41, { a: { version: 10, triggers: { t1: 12 } } }), none),
    ).toBeUndefined();
    expect(
      detectStoreReset(
        lastGood,
        snapshotOf(45, { a: { version: 44, triggers: { t1: 12, t2: 30 } }, b: { version: 35 }, c: { version: 45 } }),
        none,
      ),
    ).toBeUndefined();
    expect(detectStoreReset(snapshotOf(0, {}), snapshotOf(3, { a: { version: 3 } }), none)).toBeUndefined();
  });

  it('an entry whose version went backwards is an older state restored', () => {
    const restored = snapshotOf(25, { a: { version: 10, triggers: { t1: 12, t2: 20 } }, b: { version: 35 } });
    expect(detectStoreReset(lastGood, restored, none)).toBe(
      'the version of config/projects/a/triggers/t2 went backwards (30 → 20): an older state of the store was restored',
    );
  });

  it('an index going backwards is a reset only when entries vanished that the API did not delete', () => {
    // Consul's list index can drop when the newest key is deleted (tombstones reaped): an API delete
    const afterDelete = snapshotOf(31, { a: { version: 10, triggers: { t1: 12, t2: 30 } } });
    expect(detectStoreReset(lastGood, afterDelete, new Set(['config/projects/b']))).toBeUndefined();
    expect(detectStoreReset(lastGood, afterDelete, none)).toBe(
      "the config store's index went backwards (40 → 31) and 1 entries vanished",
    );
    // a trigger of a project the API deleted counts as deleted with it
    const withoutA = snapshotOf(36, { b: { version: 35 } });
    expect(detectStoreReset(lastGood, withoutA, new Set(['config/projects/a']))).toBeUndefined();
  });
});

describe('restore', () => {
  it('writes back what is missing or differs, projects before triggers, CAS on what the store holds', () => {
    const store = snapshotOf(5, { b: { version: 4, name: 'changed' }, z: { version: 5 } });
    const writes = restoreWrites(lastGood, store);
    expect(
      writes.map(({ write, expectedVersion }) => [
        write.kind,
        'id' in write.value ? write.value.id : '',
        expectedVersion,
      ]),
    ).toEqual([
      ['project', 'a', 0],
      ['project', 'b', 4],
      ['trigger', 't1', 0],
      ['trigger', 't2', 0],
    ]);
    expect(holdsLastGood(lastGood, store)).toBe(false);
    // the store holds the last good content (with other versions) plus an entry written since: restored
    const restored = snapshotOf(9, {
      a: { version: 6, triggers: { t1: 7, t2: 8 } },
      b: { version: 9 },
      z: { version: 5 },
    });
    expect(holdsLastGood(lastGood, restored)).toBe(true);
  });

  it('the status names what is missing, with counts and versions only', () => {
    expect(storeResetStatus('why', 0, lastGood, snapshotOf(3, { b: { version: 2 } }))).toEqual({
      reason: 'why',
      detectedAt: '1970-01-01T00:00:00.000Z',
      lastGood: { version: 40, projects: 2 },
      store: { version: 3, projects: 1 },
      missingKeys: ['config/projects/a', 'config/projects/a/triggers/t1', 'config/projects/a/triggers/t2'],
    });
  });
});

describe('StoreResetGuard', () => {
  it('holds the last good config across a reset until the store holds it again', () => {
    const guard = new StoreResetGuard(true, () => 1_000);
    expect(guard.onStoreSnapshot(lastGood)).toBe(lastGood);
    expect(guard.onStoreSnapshot(snapshotOf(2, {}))).toBeUndefined();
    expect(guard.status()?.missingKeys).toHaveLength(4);
    expect(guard.inForce).toBe(lastGood);
    // partly written back: still held; the plan shrinks
    expect(guard.onStoreSnapshot(snapshotOf(4, { a: { version: 3 } }))).toBeUndefined();
    expect(guard.restorePlan()).toHaveLength(3);
    const restored = snapshotOf(7, { a: { version: 3, triggers: { t1: 5, t2: 6 } }, b: { version: 7 } });
    expect(guard.onStoreSnapshot(restored)).toBe(restored);
    expect(guard.status()).toBeUndefined();
    // the restored entries' lower versions are the new baseline
    expect(guard.onStoreSnapshot(snapshotOf(8, { ...restoredSpec(), c: { version: 8 } }))).toBeDefined();
  });

  it('accept applies the store as it is; without a held reset there is nothing to accept', () => {
    const guard = new StoreResetGuard(true);
    expect(guard.acceptStore()).toBeUndefined();
    guard.onStoreSnapshot(lastGood);
    const empty = snapshotOf(2, {});
    guard.onStoreSnapshot(empty);
    expect(guard.acceptStore()).toBe(empty);
    expect(guard.inForce).toBe(empty);
    expect(guard.status()).toBeUndefined();
  });

  it('an API delete of the last project is applied, also when a snapshot without it arrives first', () => {
    const guard = new StoreResetGuard(true);
    const one = snapshotOf(10, { a: { version: 10 } });
    guard.onStoreSnapshot(one);
    guard.deleting({ kind: 'project', projectId: 'a' });
    expect(guard.onStoreSnapshot(snapshotOf(11, { a: { version: 10 } }))).toBeDefined(); // not applied yet
    expect(guard.onStoreSnapshot(snapshotOf(12, {}))).toBeDefined();
    // a later hand-made emptying (after a new project) is a reset again
    guard.onStoreSnapshot(snapshotOf(13, { b: { version: 13 } }));
    expect(guard.onStoreSnapshot(snapshotOf(14, {}))).toBeUndefined();
  });

  it('seeds from the copy a restarted config-service finds, and does not guard a file store', () => {
    const guard = new StoreResetGuard(true);
    guard.seed(lastGood);
    expect(guard.onStoreSnapshot(snapshotOf(1, {}))).toBeUndefined();
    expect(guard.inForce).toBe(lastGood);
    const file = new StoreResetGuard(false);
    file.seed(lastGood);
    const empty = snapshotOf(1, {});
    expect(file.onStoreSnapshot(lastGood)).toBe(lastGood);
    expect(file.onStoreSnapshot(empty)).toBe(empty);
  });
});

function restoredSpec() {
  return { a: { version: 3, triggers: { t1: 5, t2: 6 } }, b: { version: 7 } };
}
