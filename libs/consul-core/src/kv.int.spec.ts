import { useConsulAgent } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type ConsulClient, createConsulClient } from './client';
import { KvDecodeError, KvStore } from './kv';

const projectSchema = z.object({ name: z.string(), secrets: z.array(z.string()) });

describe('KvStore against a real Consul agent', () => {
  const consul = useConsulAgent();
  let client: ConsulClient;
  let kv: KvStore;

  beforeAll(() => {
    client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
    kv = new KvStore(client, { clusterId: 'kvtest' });
  });
  afterAll(() => client.destroy());

  it('round-trips typed JSON under the cluster prefix', async () => {
    expect(kv.prefix).toBe('spaceport/kvtest/');
    expect(await kv.put('config/projects/p1', { name: 'p1', secrets: ['s'] })).toBe(true);
    const entry = await kv.get('config/projects/p1', projectSchema);
    expect(entry?.value).toEqual({ name: 'p1', secrets: ['s'] });
    expect(entry?.key).toBe('config/projects/p1');
    expect(entry?.modifyIndex).toBeGreaterThan(0);
    expect(entry?.lockIndex).toBe(0);
    expect(entry?.session).toBeUndefined();
    // stored under the full key
    const raw = await client.kv.get('spaceport/kvtest/config/projects/p1');
    expect(raw?.Value).toBe('{"name":"p1","secrets":["s"]}');
    expect(await kv.get('config/projects/absent')).toBeUndefined();
  });

  it('lists a prefix and reports a junk value as a per-key error', async () => {
    await kv.put('list/a', { name: 'a', secrets: [] });
    await kv.put('list/b', { name: 'b', secrets: [] });
    await client.kv.set('spaceport/kvtest/list/junk', 'not json {');
    await kv.put('list/wrong-shape', { name: 42 });
    const entries = await kv.list('list/', projectSchema);
    expect(entries.map((e) => [e.key, e.ok])).toEqual([
      ['list/a', true],
      ['list/b', true],
      ['list/junk', false],
      ['list/wrong-shape', false],
    ]);
    const junk = entries.find((e) => e.key === 'list/junk');
    expect(junk && !junk.ok ? junk.raw : undefined).toBe('not json {');
    expect(junk && !junk.ok ? junk.error : '').toMatch(/invalid JSON/);
    await expect(kv.get('list/junk')).rejects.toBeInstanceOf(KvDecodeError);
    expect(await kv.list('nothing-here/')).toEqual([]);
  });

  it('CAS: 0 creates only, a stale index fails, the current index wins', async () => {
    expect(await kv.put('cas/k', { v: 1 }, { cas: 0 })).toBe(true);
    expect(await kv.put('cas/k', { v: 2 }, { cas: 0 })).toBe(false);
    const first = await kv.get<{ v: number }>('cas/k');
    expect(first?.value).toEqual({ v: 1 });
    const staleIndex = first?.modifyIndex ?? -1;
    expect(await kv.put('cas/k', { v: 3 }, { cas: staleIndex })).toBe(true);
    expect(await kv.put('cas/k', { v: 4 }, { cas: staleIndex })).toBe(false);
    expect((await kv.get<{ v: number }>('cas/k'))?.value).toEqual({ v: 3 });
    const current = await kv.get('cas/k');
    expect(await kv.delete('cas/k', { cas: staleIndex })).toBe(false);
    expect(await kv.delete('cas/k', { cas: current?.modifyIndex ?? -1 })).toBe(true);
    expect(await kv.get('cas/k')).toBeUndefined();
  });

  it('fenced write: succeeds while the session holds the lock, fails once it is destroyed', async () => {
    const { ID: session } = await client.session.create({ ttl: '30s', lockdelay: '0s' });
    expect(await kv.put('leader', { nodeId: 'n1' }, { acquire: session })).toBe(true);

    const created = await kv.fencedWrite({
      lockKey: 'leader',
      session,
      key: 'assignment',
      value: { generation: 1 },
      cas: 0,
    });
    expect(created.ok).toBe(true);
    const stored = await kv.get<{ generation: number }>('assignment');
    expect(stored?.value).toEqual({ generation: 1 });
    expect(created.ok && created.modifyIndex).toBe(stored?.modifyIndex);

    const stale = await kv.fencedWrite({
      lockKey: 'leader',
      session,
      key: 'assignment',
      value: { generation: 9 },
      cas: 0,
    });
    expect(stale).toMatchObject({ ok: false, reason: 'stale-index', failedOpIndex: 1 });

    await client.session.destroy(session);
    const fenced = await kv.fencedWrite({
      lockKey: 'leader',
      session,
      key: 'assignment',
      value: { generation: 2 },
      cas: stored?.modifyIndex ?? 0,
    });
    expect(fenced).toMatchObject({ ok: false, reason: 'not-lock-holder', failedOpIndex: 0 });
    expect((await kv.get<{ generation: number }>('assignment'))?.value).toEqual({ generation: 1 });
  });

  it('runs a multi-operation transaction atomically', async () => {
    const outcome = await kv.txn([
      { verb: 'check-not-exists', key: 'txn/a' },
      { verb: 'set', key: 'txn/a', value: 'A' },
      { verb: 'set', key: 'txn/b', value: 'B' },
    ]);
    expect(outcome.ok).toBe(true);
    expect(outcome.ok ? outcome.results.map((r) => r.key) : []).toEqual(['txn/a', 'txn/b']);
    const again = await kv.txn([
      { verb: 'check-not-exists', key: 'txn/a' },
      { verb: 'set', key: 'txn/c', value: 'C' },
    ]);
    expect(again.ok).toBe(false);
    expect(await kv.get('txn/c')).toBeUndefined();
  });
});
