import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigSnapshot, defaultEventingSettings, projectSchema, triggerSchema } from '@spaceport/config-model';
import { ConfigSourceError, type WriteResult } from './config-store';
import { FileConfigStore } from './file-config-store';

const SECRET = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;
const TOKEN = 'demo-api-token-0123456789abcdef';
const project = (name = 'Demo') =>
  projectSchema.parse({ id: 'demo', name, secrets: { webhook: [SECRET], apiTokens: [TOKEN] } });
const trigger = (id: string, url = 'https://example.com/hook') => triggerSchema.parse({ id, type: 'order.paid', url });
const FAST = { debounceMs: 25, pollIntervalMs: 0 };

let dir: string;
const stores: FileConfigStore[] = [];
const open = (file: string) => {
  const store = new FileConfigStore(join(dir, file), FAST);
  stores.push(store);
  return store;
};

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function okVersion(result: WriteResult): number {
  if (!result.ok) throw new Error(`write refused: ${JSON.stringify(result)}`);
  return result.version;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spaceport-config-'));
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe.each(['config.yaml', 'config.json'])('FileConfigStore round trip (%s)', (file) => {
  it('starts empty, writes with CAS and reads back the same config', async () => {
    const store = open(file);
    expect(await store.load()).toMatchObject({ version: 0, projects: {} });
    const v1 = okVersion(
      await store.put({ kind: 'eventing', value: { ...defaultEventingSettings(), partitionCount: 16 } }, 0),
    );
    const v2 = okVersion(await store.put({ kind: 'project', value: project() }, 0));
    const v3 = okVersion(await store.put({ kind: 'trigger', projectId: 'demo', value: trigger('paid') }, 0));
    expect([v1, v2, v3]).toEqual([1, 2, 3]);

    const written = await store.load();
    const reread = await open(file).load();
    expect(reread).toEqual(written);
    expect(reread.eventing.value.partitionCount).toBe(16);
    expect(reread.projects['demo']?.value.secrets.apiTokens).toEqual([TOKEN]);
    expect(reread.projects['demo']?.triggers['paid']?.value.url).toBe('https://example.com/hook');

    const text = await readFile(join(dir, file), 'utf8');
    expect(file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)).toMatchObject({ version: 3 });
    expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
  });

  it('refuses stale writes and reports missing targets', async () => {
    const store = open(file);
    const v1 = okVersion(await store.put({ kind: 'project', value: project() }, 0));
    expect(await store.put({ kind: 'project', value: project('Again') }, 0)).toEqual({
      ok: false,
      reason: 'conflict',
      currentVersion: v1,
    });
    const v2 = okVersion(await store.put({ kind: 'trigger', projectId: 'demo', value: trigger('a') }, 0));
    expect(await store.put({ kind: 'project', value: project('Stale') }, v1)).toEqual({
      ok: false,
      reason: 'conflict',
      currentVersion: v2,
    });
    expect(await store.put({ kind: 'trigger', projectId: 'ghost', value: trigger('a') }, 0)).toEqual({
      ok: false,
      reason: 'not-found',
    });
    expect(await store.delete({ kind: 'trigger', projectId: 'demo', triggerId: 'zzz' }, v2)).toEqual({
      ok: false,
      reason: 'not-found',
    });
    okVersion(await store.delete({ kind: 'project', projectId: 'demo' }, v2));
    expect((await open(file).load()).projects).toEqual({});
  });
});

describe('FileConfigStore concurrency', () => {
  it('lets exactly one of two writers with the same expected version win', async () => {
    const [a, b] = [open('config.yaml'), open('config.yaml')];
    const created = await Promise.all([
      a.put({ kind: 'project', value: project('A') }, 0),
      b.put({ kind: 'project', value: project('B') }, 0),
    ]);
    expect(created.filter((r) => r.ok)).toHaveLength(1);
    expect(created.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'conflict', currentVersion: 1 }]);

    for (let round = 0; round < 5; round += 1) {
      const version = (await a.load()).version;
      const writers = [a, b, a];
      const results = await Promise.all(
        writers.map((store, i) => store.put({ kind: 'project', value: project(`r${round}-${i}`) }, version)),
      );
      expect(results.filter((r) => r.ok)).toEqual([{ ok: true, version: version + 1 }]);
      expect(results.filter((r) => !r.ok)).toEqual([
        { ok: false, reason: 'conflict', currentVersion: version + 1 },
        { ok: false, reason: 'conflict', currentVersion: version + 1 },
      ]);
    }
  });

  it('never lets a reader see a partial file during large writes', async () => {
    const path = join(dir, 'config.json');
    const triggers = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [
        `t${i}`,
        { type: `event.${i}`, url: `https://receiver.example/hooks/${i}`, headers: { 'X-Pad': 'x'.repeat(64) } },
      ]),
    );
    await writeFile(
      path,
      JSON.stringify({ version: 1, projects: { big: { name: 'Big', secrets: { webhook: [SECRET] }, triggers } } }),
    );
    const store = open('config.json');
    let version = (await store.load()).version;

    let stop = false;
    const reader = (async () => {
      const seen = new Set<number>();
      let reads = 0;
      let partial = 0;
      while (!stop && reads < 5_000) {
        reads += 1;
        try {
          const doc = JSON.parse(await readFile(path, 'utf8')) as {
            version: number;
            projects: { big: { triggers: object } };
          };
          if (Object.keys(doc.projects.big.triggers).length === 3000) seen.add(doc.version);
          else partial += 1;
        } catch {
          partial += 1;
        }
      }
      return { reads, partial, seen };
    })();
    for (let i = 0; i < 5; i += 1) {
      version = okVersion(
        await store.put(
          { kind: 'trigger', projectId: 'big', value: trigger('t0', `https://receiver.example/v${i}`) },
          version,
        ),
      );
    }
    stop = true;
    const { reads, partial, seen } = await reader;
    expect((await stat(path)).size).toBeGreaterThan(500_000);
    expect(partial).toBe(0);
    expect(reads).toBeGreaterThan(1);
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('FileConfigStore hand edits', () => {
  async function watched(file: string) {
    const store = open(file);
    const changes: ConfigSnapshot[] = [];
    const errors: ConfigSourceError[] = [];
    await store.put({ kind: 'project', value: project() }, 0);
    await store.load();
    store.watch(
      (snapshot) => changes.push(snapshot),
      (error) => errors.push(error),
    );
    return { store, changes, errors, path: join(dir, file) };
  }

  it('picks up in-place edits and editor-style replacements within a bound', async () => {
    const { store, changes, path } = await watched('config.yaml');
    const before = await store.load();
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('name: Demo', 'name: Edited in place'));
    const first = await waitFor(
      () => changes.find((s) => s.projects['demo']?.value.name === 'Edited in place'),
      'in-place edit',
    );
    expect(first.version).toBe(before.version + 1);

    const swap = `${path}.swp`;
    await writeFile(swap, original.replace('name: Demo', 'name: Replaced by editor'));
    await rename(swap, path);
    await waitFor(
      () => changes.find((s) => s.projects['demo']?.value.name === 'Replaced by editor'),
      'rename-over edit',
    );
    expect((await store.load()).version).toBe(before.version + 2);
  });

  it('turns an unbumped hand edit into a conflict for writers that read before it', async () => {
    const { store, path } = await watched('config.yaml');
    const seenBefore = (await store.load()).version;
    await writeFile(path, (await readFile(path, 'utf8')).replace('name: Demo', 'name: Hand'));
    const result = await store.put({ kind: 'project', value: project('Lost update?') }, seenBefore);
    expect(result).toEqual({ ok: false, reason: 'conflict', currentVersion: seenBefore + 1 });
    expect((await open('config.yaml').load()).projects['demo']?.value.name).toBe('Hand');
    okVersion(await store.put({ kind: 'project', value: project('After reload') }, (await store.load()).version));
  });

  it('keeps the last good config on an invalid edit, reports it without secrets, recovers', async () => {
    const { store, changes, errors, path } = await watched('config.yaml');
    const good = await store.load();
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('https', 'https').replace('name: Demo', `name: [unclosed ${SECRET}`));
    const syntax = await waitFor(() => errors[0], 'syntax error report');
    expect(syntax).toBeInstanceOf(ConfigSourceError);
    expect(syntax.message).not.toContain(SECRET.slice(6, 30));

    await writeFile(path, original.replace(SECRET, 'whsec_tooshort'));
    const invalid = await waitFor(() => errors[1], 'validation error report');
    expect(invalid.issues).toEqual([
      { field: 'projects.demo.secrets.webhook.0', message: expect.stringMatching(/^must be "whsec_"/) },
    ]);
    expect(invalid.message).not.toContain('tooshort');

    expect(await store.load()).toEqual(good);
    await expect(store.put({ kind: 'project', value: project('Blocked') }, good.version)).rejects.toBeInstanceOf(
      ConfigSourceError,
    );
    expect(changes).toEqual([]);

    await writeFile(path, original.replace('name: Demo', 'name: Fixed'));
    const fixed = await waitFor(() => changes.find((s) => s.projects['demo']?.value.name === 'Fixed'), 'recovery');
    expect(fixed.version).toBeGreaterThan(good.version);
  });

  it('announces own writes once and stops after unsubscribe', async () => {
    const store = open('config.json');
    const versions: number[] = [];
    const unsubscribe = store.watch((snapshot) => versions.push(snapshot.version));
    const v1 = okVersion(await store.put({ kind: 'project', value: project() }, 0));
    await sleep(200);
    expect(versions).toEqual([v1]);
    unsubscribe();
    await writeFile(
      join(dir, 'config.json'),
      (await readFile(join(dir, 'config.json'), 'utf8')).replace('"Demo"', '"Quiet"'),
    );
    await sleep(200);
    expect(versions).toEqual([v1]);
  });
});
