import { describe, expect, it } from 'vitest';
import { buildSnapshot, parseConfigKey, type ConfigEntry } from '@spaceport/config-model';
import { checkExpectedVersion } from './cas';

const SECRET = `whsec_${Buffer.alloc(24, 5).toString('base64')}`;
function entry(key: string, body: object, version: number): ConfigEntry {
  const result = parseConfigKey(key, JSON.stringify(body), version);
  if (!result.ok) throw new Error(result.error.key);
  return result.entry;
}
const { snapshot } = buildSnapshot([
  entry('config/projects/demo', { name: 'Demo', secrets: { webhook: [SECRET] } }, 7),
  entry('config/projects/demo/triggers/t', { type: 'a', url: 'https://x.example' }, 9),
]);

describe('checkExpectedVersion', () => {
  it('lets a write through only at the current version (0 = create)', () => {
    expect(checkExpectedVersion(snapshot, { kind: 'project', projectId: 'demo' }, 'put', 7)).toBeUndefined();
    expect(checkExpectedVersion(snapshot, { kind: 'project', projectId: 'demo' }, 'put', 0)).toEqual({
      ok: false,
      reason: 'conflict',
      currentVersion: 7,
    });
    expect(checkExpectedVersion(snapshot, { kind: 'project', projectId: 'new' }, 'put', 0)).toBeUndefined();
    expect(checkExpectedVersion(snapshot, { kind: 'project', projectId: 'new' }, 'put', 3)).toEqual({
      ok: false,
      reason: 'conflict',
      currentVersion: 0,
    });
    expect(checkExpectedVersion(snapshot, { kind: 'eventing' }, 'put', 0)).toBeUndefined();
    expect(
      checkExpectedVersion(snapshot, { kind: 'trigger', projectId: 'demo', triggerId: 't' }, 'delete', 9),
    ).toBeUndefined();
    expect(
      checkExpectedVersion(snapshot, { kind: 'trigger', projectId: 'demo', triggerId: 't' }, 'delete', 7),
    ).toMatchObject({ reason: 'conflict' });
  });

  it('reports absent targets as not-found', () => {
    expect(checkExpectedVersion(snapshot, { kind: 'trigger', projectId: 'ghost', triggerId: 't' }, 'put', 0)).toEqual({
      ok: false,
      reason: 'not-found',
    });
    expect(checkExpectedVersion(snapshot, { kind: 'trigger', projectId: 'demo', triggerId: 'x' }, 'delete', 0)).toEqual(
      { ok: false, reason: 'not-found' },
    );
    expect(checkExpectedVersion(snapshot, { kind: 'eventing' }, 'delete', 0)).toEqual({
      ok: false,
      reason: 'not-found',
    });
  });
});
