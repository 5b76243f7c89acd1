import { describe, expect, it } from 'vitest';
import { type ConfigEntry, describeConfigKeyError, parseConfigKey } from './entries';
import { configKeyOf, parseConfigKeyPath } from './keys';
import { buildSnapshot, getProject, getTrigger, redactSnapshot, triggersForEvent } from './snapshot';

const SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
const TOKEN = 'api-token-0123456789-abcdefghij';
const projectJson = JSON.stringify({ name: 'Demo', secrets: { webhook: [SECRET], apiTokens: [TOKEN] } });
const trigger = (type: string, extra: object = {}) =>
  JSON.stringify({ type, url: 'https://example.com/hook', ...extra });

function entry(key: string, raw: string, version: number): ConfigEntry {
  const result = parseConfigKey(key, raw, version);
  if (!result.ok) throw new Error(describeConfigKeyError(result.error));
  return result.entry;
}

describe('config key layout', () => {
  it('round-trips keys', () => {
    for (const key of ['config/eventing', 'config/projects/demo', 'config/projects/demo/triggers/order_paid']) {
      const ref = parseConfigKeyPath(key);
      expect(ref && configKeyOf(ref)).toBe(key);
    }
    for (const key of [
      'config/projects/',
      'config/projects/Demo',
      'config/projects/demo/hooks/x',
      'config/projects/a/triggers/b/c',
      'leader',
      'config/eventing/x',
    ]) {
      expect(parseConfigKeyPath(key)).toBeUndefined();
    }
  });
});

describe('parseConfigKey', () => {
  it('parses each kind, taking ids from the key', () => {
    expect(entry('config/eventing', '{"partitionCount":8}', 3)).toMatchObject({
      kind: 'eventing',
      version: 3,
      value: { partitionCount: 8 },
    });
    expect(entry('config/projects/demo', projectJson, 4)).toMatchObject({
      kind: 'project',
      projectId: 'demo',
      value: { id: 'demo', name: 'Demo' },
    });
    expect(entry('config/projects/demo/triggers/t1', trigger('a'), 5)).toMatchObject({
      kind: 'trigger',
      projectId: 'demo',
      triggerId: 't1',
      value: { id: 't1', type: 'a', enabled: true },
    });
  });

  it('reports per-key errors with field paths and without quoting the value', () => {
    const bad = parseConfigKey('config/projects/demo/triggers/t1', trigger('a', { url: 'ftp://x', retries: -2 }));
    expect(bad).toEqual({
      ok: false,
      error: {
        key: 'config/projects/demo/triggers/t1',
        issues: [
          { field: 'url', message: 'must use http or https' },
          { field: 'retries', message: 'Number must be greater than or equal to 0' },
        ],
      },
    });
    const json = parseConfigKey('config/projects/demo', `{"secrets": ${SECRET}}`);
    expect(json.ok).toBe(false);
    expect(JSON.stringify(json)).not.toContain(SECRET);
    expect(!json.ok && json.error.issues[0]?.message).toMatch(/^invalid JSON/);
    expect(parseConfigKey('config/eventing', null)).toMatchObject({
      ok: false,
      error: { issues: [{ message: 'empty value, expected JSON' }] },
    });
    expect(parseConfigKey('config/nope', '{}')).toMatchObject({
      ok: false,
      error: { key: 'config/nope', issues: [{ field: '(key)' }] },
    });
  });

  it('rejects a body id that contradicts the key', () => {
    const result = parseConfigKey('config/projects/demo/triggers/t1', trigger('a', { id: 't2' }));
    expect(result).toMatchObject({
      ok: false,
      error: { issues: [{ field: 'id', message: 'must match the id in the key ("t1")' }] },
    });
  });
});

describe('buildSnapshot', () => {
  const entries = [
    entry(
      'config/projects/demo/triggers/b',
      trigger('order.paid', { filter: [{ path: 'amount', op: 'gt', value: 10 }] }),
      12,
    ),
    entry('config/projects/demo', projectJson, 10),
    entry(
      'config/projects/demo/triggers/a',
      trigger('order.paid', { headers: { Authorization: 'Bearer hdr-secret' } }),
      11,
    ),
    entry('config/projects/demo/triggers/c', trigger('order.created'), 13),
    entry('config/projects/ghost/triggers/x', trigger('order.paid'), 14),
  ];

  it('nests triggers under projects, defaults eventing, reports orphans', () => {
    const { snapshot, problems } = buildSnapshot(entries);
    expect(snapshot.version).toBe(14);
    expect(snapshot.eventing).toMatchObject({ version: 0, value: { partitionCount: 32 } });
    expect(Object.keys(snapshot.projects)).toEqual(['demo']);
    expect(Object.keys(getProject(snapshot, 'demo')?.triggers ?? {}).sort()).toEqual(['a', 'b', 'c']);
    expect(getTrigger(snapshot, 'demo', 'a')?.version).toBe(11);
    expect(getTrigger(snapshot, 'demo', 'constructor')).toBeUndefined();
    expect(getProject(snapshot, 'toString')).toBeUndefined();
    expect(problems.map((p) => p.key)).toEqual(['config/projects/ghost/triggers/x']);
    expect(buildSnapshot([...entries, entries[1] as ConfigEntry], 99).problems).toHaveLength(2);
    expect(buildSnapshot([], 7).snapshot).toMatchObject({ version: 7, projects: {} });
  });

  it('selects the triggers an event fans out to', () => {
    const { snapshot } = buildSnapshot(entries);
    const ids = (payload: unknown) =>
      triggersForEvent(snapshot, 'demo', { type: 'order.paid', payload }).map((t) => t.id);
    expect(ids({ amount: 50 })).toEqual(['a', 'b']);
    expect(ids({ amount: 5 })).toEqual(['a']);
    expect(triggersForEvent(snapshot, 'ghost', { type: 'order.paid', payload: {} })).toEqual([]);
  });

  it('redacts every secret of a snapshot', () => {
    const { snapshot } = buildSnapshot(entries);
    const text = JSON.stringify(redactSnapshot(snapshot));
    for (const secret of [SECRET, TOKEN, 'hdr-secret']) expect(text).not.toContain(secret);
    expect(JSON.stringify(snapshot)).toContain(SECRET);
  });
});
