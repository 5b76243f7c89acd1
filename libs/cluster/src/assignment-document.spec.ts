import { describe, expect, it } from 'vitest';
import { minimumMoves } from './assignment';
import {
  type AssignmentDocument,
  assignmentDocumentSchema,
  ownedPartitions,
  ownersOf,
  planAssignment,
} from './assignment-document';

const now = new Date('2026-01-01T00:00:00Z');
const plan = (
  previous: AssignmentDocument | undefined,
  members: string[],
  overrides: { lockIndex?: number; acks?: Record<string, number>; P?: number; highestEpoch?: number } = {},
) =>
  planAssignment({
    previous,
    members,
    partitionCount: overrides.P ?? 6,
    leaderId: 'lead',
    leaderLockIndex: overrides.lockIndex ?? 1,
    acks: new Map(Object.entries(overrides.acks ?? {})),
    now,
    ...(overrides.highestEpoch === undefined ? {} : { highestEpoch: overrides.highestEpoch }),
  });

describe('planAssignment', () => {
  it('starts above the highest epoch in Redis when the assignment was lost (epochs never go backwards)', () => {
    const { document, changed } = plan(undefined, ['a', 'b'], { highestEpoch: 7 });
    expect(changed).toBe(true);
    expect(document.generation).toBe(8);
    expect(document.epochs).toEqual([8, 8, 8, 8, 8, 8]);
  });

  it('re-epochs every partition when Redis is ahead of the stored assignment (rolled back)', () => {
    const first = plan(undefined, ['a', 'b']).document;
    const same = plan(first, ['a', 'b'], { highestEpoch: first.generation });
    expect(same.changed).toBe(false);
    const ahead = plan(first, ['a', 'b'], { highestEpoch: 5 });
    expect(ahead.changed).toBe(true);
    expect(ahead.moves).toBe(0);
    expect(ahead.document.generation).toBe(6);
    expect(ahead.document.epochs).toEqual([6, 6, 6, 6, 6, 6]);
    expect(ahead.document.owners).toEqual(first.owners);
  });

  it('P raised under running workers (32 → 64 over 3): nothing moves, the new ones are dealt evenly', () => {
    const before = plan(undefined, ['a', 'b', 'c'], { P: 32 }).document;
    const raised = plan(before, ['a', 'b', 'c'], { P: 64, acks: { a: 1, b: 1, c: 1 } });
    expect(raised.changed).toBe(true);
    expect(raised.moves).toBe(32);
    expect(raised.moves).toBe(minimumMoves(ownersOf(before), ['a', 'b', 'c'], 64));
    const { document } = raised;
    expect(document).toMatchObject({ generation: 2, partitionCount: 64, handoffs: {} });
    expect(document.owners.slice(0, 32)).toEqual(before.owners);
    expect(document.epochs.slice(0, 32)).toEqual(before.epochs);
    expect(document.epochs.slice(32)).toEqual(new Array<number>(32).fill(2));
    expect(document.owners.every((owner) => owner !== null)).toBe(true);
    const held = ['a', 'b', 'c'].map((id) => ownedPartitions(document, id).size);
    expect(held.sort()).toEqual([21, 21, 22]);
  });

  it('first assignment: generation 1, every epoch 1, no handoffs, balanced', () => {
    const { document, changed, moves } = plan(undefined, ['b', 'a', 'c']);
    expect(changed).toBe(true);
    expect(moves).toBe(6);
    expect(document).toMatchObject({
      generation: 1,
      leaderId: 'lead',
      leaderLockIndex: 1,
      partitionCount: 6,
      handoffs: {},
      updatedAt: now.toISOString(),
    });
    expect(document.epochs).toEqual([1, 1, 1, 1, 1, 1]);
    expect(document.owners.filter((o) => o === 'a')).toHaveLength(2);
    expect(assignmentDocumentSchema.parse(JSON.parse(JSON.stringify(document)))).toEqual(document);
  });

  it('a join moves the minimum, new epochs only on moved partitions, previous owners as handoffs', () => {
    const first = plan(undefined, ['a', 'b']).document;
    const { document, moves } = plan(first, ['a', 'b', 'c']);
    expect(document.generation).toBe(2);
    expect(moves).toBe(minimumMoves(ownersOf(first), ['a', 'b', 'c'], 6));
    document.owners.forEach((owner, p) => {
      if (owner === first.owners[p]) {
        expect(document.epochs[p]).toBe(1);
        expect(document.handoffs[String(p)]).toBeUndefined();
      } else {
        expect(owner).toBe('c');
        expect(document.epochs[p]).toBe(2);
        expect(document.handoffs[String(p)]).toEqual([{ from: first.owners[p], revokedAt: 2 }]);
      }
    });
  });

  it('same members and same term: nothing to write; a new term always writes (fence stamp)', () => {
    const first = plan(undefined, ['a', 'b']).document;
    expect(plan(first, ['b', 'a']).changed).toBe(false);
    const next = plan(first, ['a', 'b'], { lockIndex: 2 });
    expect(next.changed).toBe(true);
    expect(next.moves).toBe(0);
    expect(next.document.generation).toBe(2);
    expect(next.document.epochs).toEqual(first.epochs);
  });

  it('prunes handoffs once acked at or after the revoking generation, or when the old owner left', () => {
    const g1 = plan(undefined, ['a', 'b']).document;
    const g2 = plan(g1, ['a', 'b', 'c']).document;
    const pending = Object.values(g2.handoffs).flat();
    expect(pending.length).toBeGreaterThan(0);
    const g3acked = plan(g2, ['a', 'b', 'c', 'd'], { acks: { a: 2, b: 2 } }).document;
    expect(
      Object.values(g3acked.handoffs)
        .flat()
        .every((h) => h.revokedAt === 3),
    ).toBe(true);
    const g3left = plan(g2, ['c'], { acks: {} }).document;
    expect(g3left.handoffs).toEqual({});
  });

  it('a partition that moves back to its previous owner drops that owner (and the departed one) from its handoffs', () => {
    const g1 = plan(undefined, ['a'], { P: 2 }).document;
    const g2 = plan(g1, ['a', 'b'], { P: 2 }).document;
    const moved = g2.owners.findIndex((o) => o === 'b');
    const g3 = plan(g2, ['a'], { P: 2 }).document;
    expect(g3.owners[moved]).toBe('a');
    expect(g2.handoffs[String(moved)]).toEqual([{ from: 'a', revokedAt: 2 }]);
    expect(g3.handoffs[String(moved)]).toBeUndefined();
  });

  it('no members: every partition unowned, previous owners kept as handoffs until they leave', () => {
    const g1 = plan(undefined, ['a'], { P: 2 }).document;
    const g2 = plan(g1, [], { P: 2 }).document;
    expect(g2.owners).toEqual([null, null]);
    expect(g2.handoffs).toEqual({});
  });

  it('ownedPartitions maps a node to its partitions and epochs', () => {
    const g1 = plan(undefined, ['a', 'b'], { P: 4 }).document;
    expect([...ownedPartitions(g1, 'a').entries()]).toEqual(g1.owners.flatMap((o, p) => (o === 'a' ? [[p, 1]] : [])));
  });
});
