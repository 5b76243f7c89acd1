import { type ConfigEntry } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { decodeConfigKv } from './consul-config-decode';

const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const project = {
  key: 'config/projects/shop',
  value: JSON.stringify({ name: 'Shop', secrets: { webhook: [secret] } }),
  modifyIndex: 5,
};
const trigger = (url: string, modifyIndex: number) => ({
  key: 'config/projects/shop/triggers/t1',
  value: JSON.stringify({ type: 'a', url }),
  modifyIndex,
});

describe('decodeConfigKv', () => {
  it('builds the snapshot at the read index with per-key versions', () => {
    const { snapshot, rejected } = decodeConfigKv([project, trigger('https://a.example', 6)], 9, new Map());
    expect(rejected).toEqual([]);
    expect(snapshot.version).toBe(9);
    expect(snapshot.projects['shop']?.triggers['t1']?.version).toBe(6);
  });
  it('keeps the last good value of a key that now holds junk, and names the key', () => {
    const first = decodeConfigKv([project, trigger('https://a.example', 6)], 9, new Map());
    const junk = decodeConfigKv(
      [project, { key: 'config/projects/shop/triggers/t1', value: '{nope', modifyIndex: 10 }],
      10,
      first.inForce,
    );
    expect(junk.snapshot.projects['shop']?.triggers['t1']?.value.url).toBe('https://a.example');
    // at the junk's ModifyIndex: a repair with that If-Match passes the store's CAS at once
    expect(junk.snapshot.projects['shop']?.triggers['t1']?.version).toBe(10);
    expect(junk.rejected).toEqual([
      {
        key: 'config/projects/shop/triggers/t1',
        issues: [{ field: '(root)', message: expect.stringContaining('invalid JSON') }],
      },
    ]);
    const badUrl = decodeConfigKv([project, trigger('not a url', 11)], 11, junk.inForce);
    expect(badUrl.snapshot.projects['shop']?.triggers['t1']?.value.url).toBe('https://a.example');
    expect(badUrl.snapshot.projects['shop']?.triggers['t1']?.version).toBe(11);
    expect(JSON.stringify(badUrl.rejected)).not.toContain('not a url');
  });
  it('drops junk that never was good, and deleted keys', () => {
    const previous = new Map<string, ConfigEntry>();
    const { snapshot } = decodeConfigKv([project, trigger('nope', 3)], 4, previous);
    expect(snapshot.projects['shop']?.triggers).toEqual({});
    const gone = decodeConfigKv([], 12, decodeConfigKv([project], 5, previous).inForce);
    expect(gone.snapshot.projects).toEqual({});
  });
});
