import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './wait';
import { WebhookReceiver } from './webhook-receiver';

// The shared test receiver on real loopback HTTP: what its reply rule says is what a client gets,
// and every request is recorded.
describe('WebhookReceiver', () => {
  const receiver = new WebhookReceiver((path, previousCount) =>
    path === '/flaky' && previousCount === 0
      ? { status: 503, headers: { 'retry-after': '1' }, body: 'later' }
      : { status: 200, body: 'ok', ...(path === '/slow' ? { delayMs: 120 } : {}) },
  );
  const post = (path: string, webhookId: string): Promise<Response> =>
    fetch(`${receiver.url}${path}`, { method: 'POST', headers: { 'webhook-id': webhookId }, body: `{"p":"${path}"}` });

  beforeAll(async () => {
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('answers per the rule and records path, headers, body, webhook-id and status', async () => {
    const first = await post('/flaky', 'msg_1');
    expect([first.status, first.headers.get('retry-after'), await first.text()]).toEqual([503, '1', 'later']);
    const second = await post('/flaky', 'msg_1');
    expect([second.status, await second.text()]).toEqual([200, 'ok']);
    expect(receiver.on('/flaky').map((r) => [r.webhookId, r.status, r.body])).toEqual([
      ['msg_1', 503, '{"p":"/flaky"}'],
      ['msg_1', 200, '{"p":"/flaky"}'],
    ]);
    expect(receiver.on('/flaky')[0]?.headers['webhook-id']).toBe('msg_1');
    expect(receiver.countByWebhookId.get('msg_1')).toBe(2);
    expect(receiver.duplicateSends()).toBe(1);
  });

  it('delays the answer, not the record', async () => {
    const t0 = performance.now();
    const answered = post('/slow', 'msg_2');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(receiver.on('/slow')).toHaveLength(1);
    expect((await answered).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    expect(receiver.firstArrivalByWebhookId.get('msg_2')).toBe(receiver.on('/slow')[0]?.at);
  });

  it('forgets everything on clear(), the per-path counts the rule sees included', async () => {
    receiver.clear();
    expect([receiver.received.length, receiver.countByWebhookId.size, receiver.duplicateSends()]).toEqual([0, 0, 0]);
    expect((await post('/flaky', 'msg_3')).status).toBe(503);
  });

  it("holds the answer until the rule's `until` settles (last: it replaces the rule)", async () => {
    let release = (): void => undefined;
    const until = new Promise<void>((resolve) => (release = resolve));
    receiver.setReplyRule(() => ({ status: 200, body: 'released', until }));
    let answered = false;
    const held = post('/held', 'msg_held').then(async (res) => {
      answered = true;
      return [res.status, await res.text()];
    });
    await waitFor(() => receiver.on('/held').length === 1, { what: 'the held request', timeoutMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    release();
    expect(await held).toEqual([200, 'released']);
  });
});
