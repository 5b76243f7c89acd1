// The config API behaviour both modes (Consul KV, file) must show. Called inside a describe block.
import { expect, it } from 'vitest';
import { call, projectBody, spaceCloudTrigger } from '@spaceport/testing';

export interface ContractContext {
  gatewayUrl: () => string;
  adminToken: string;
  readToken: string;
  /** waits until every mirror holds trigger `id` of `project` (or no longer holds it when `present` is false) */
  awaitEverywhere: (project: string, id: string, present: boolean) => Promise<void>;
}

export function configApiContract(ctx: ContractContext): void {
  const api = (
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string,
    token: string | undefined = ctx.adminToken,
  ) => call(ctx.gatewayUrl(), method, `/v1/config/projects${path}`, token, body, ifMatch);

  it('answers 401 without or with an unknown token, 403 to the read token on a write', async () => {
    expect((await api('GET', '/shop', undefined, undefined, '')).status).toBe(401);
    expect((await api('GET', '/shop', undefined, undefined, 'not-the-token-0123456789')).status).toBe(401);
    expect((await api('POST', '/shop', projectBody('Shop'), undefined, ctx.readToken)).status).toBe(403);
    expect((await api('GET', '/shop', undefined, undefined, ctx.readToken)).status).toBe(404);
  });

  it('creates a project and a Space Cloud trigger; reads are redacted and versioned; the trigger reaches every app', async () => {
    const project = await api('POST', '/shop', projectBody('Shop'));
    expect(project.status).toBe(200);
    expect(project.etag).toBe(`"${String(project.body['version'])}"`);
    expect(JSON.stringify(project.body)).not.toContain('whsec_');
    const trigger = await api(
      'POST',
      '/shop/eventing/triggers/order-paid',
      spaceCloudTrigger('order-paid', 'https://user:pw@hooks.example.com/paid'),
    );
    expect(trigger.status).toBe(200);
    expect(trigger.body['result']).toMatchObject({ id: 'order-paid', type: 'order.paid', retries: 3, timeout: 5000 });
    expect(JSON.stringify(trigger.body)).not.toContain(':pw@');
    const read = await api('GET', '/shop/eventing/triggers/order-paid', undefined, undefined, ctx.readToken);
    expect(read.status).toBe(200);
    expect(read.etag).toBe(trigger.etag);
    const list = await api('GET', '/shop/eventing/triggers');
    expect((list.body['result'] as { id: string }[]).map((t) => t.id)).toEqual(['order-paid']);
    await ctx.awaitEverywhere('shop', 'order-paid', true);
  });

  it('answers 400 with field messages on an invalid body, 404 on unknown ids', async () => {
    const bad = await api('POST', '/shop/eventing/triggers/bad', {
      type: 'x',
      url: 'ftp://nope',
      retries: -1,
      colour: 1,
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body['issues'] as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['(root)']));
    const badUrl = await api('POST', '/shop/eventing/triggers/bad', { type: 'x', url: 'ftp://nope' });
    expect(badUrl.body['issues']).toEqual([{ field: 'url', message: 'must use http or https' }]);
    expect((await api('GET', '/shop/eventing/triggers/missing')).status).toBe(404);
    expect((await api('GET', '/nope')).status).toBe(404);
    expect(
      (await api('POST', '/nope/eventing/triggers/t1', spaceCloudTrigger('t1', 'https://x.example.com'))).status,
    ).toBe(404);
    expect((await api('DELETE', '/shop/eventing/triggers/missing')).status).toBe(404);
  });

  it('applies If-Match: concurrent writes with the same version → exactly one 409 carrying the current version', async () => {
    const before = await api('GET', '/shop/eventing/triggers/order-paid');
    const etag = before.etag ?? '';
    const [a, b] = await Promise.all([
      api(
        'POST',
        '/shop/eventing/triggers/order-paid',
        spaceCloudTrigger('order-paid', 'https://a.example.com/hook'),
        etag,
      ),
      api(
        'POST',
        '/shop/eventing/triggers/order-paid',
        spaceCloudTrigger('order-paid', 'https://b.example.com/hook'),
        etag,
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 409 ? a : b;
    expect(loser.body['currentVersion']).toBe(winner.body['version']);
    expect(
      (
        await api(
          'POST',
          '/shop/eventing/triggers/order-paid',
          spaceCloudTrigger('order-paid', 'https://c.example.com'),
          'garbage',
        )
      ).status,
    ).toBe(400);
  });

  it('reads and writes the eventing config (Space Cloud fields enabled/dbAlias tolerated)', async () => {
    const read = await api('GET', '/shop/eventing/config');
    expect(read.status).toBe(200);
    const written = await api('POST', '/shop/eventing/config', { enabled: true, dbAlias: 'db', partitionCount: 16 });
    expect(written.status).toBe(200);
    expect(written.body['result']).toMatchObject({ partitionCount: 16 });
  });

  it('deletes a trigger and a project with its triggers', async () => {
    expect(
      (await api('POST', '/shop/eventing/triggers/second', spaceCloudTrigger('second', 'https://x.example.com')))
        .status,
    ).toBe(200);
    expect((await api('DELETE', '/shop/eventing/triggers/second')).status).toBe(200);
    expect((await api('GET', '/shop/eventing/triggers/second')).status).toBe(404);
    expect((await api('POST', '/temp', projectBody('Temp'))).status).toBe(200);
    expect(
      (await api('POST', '/temp/eventing/triggers/t1', spaceCloudTrigger('t1', 'https://x.example.com'))).status,
    ).toBe(200);
    expect((await api('DELETE', '/temp')).status).toBe(200);
    expect((await api('GET', '/temp')).status).toBe(404);
    await ctx.awaitEverywhere('temp', 't1', false);
  });
}
