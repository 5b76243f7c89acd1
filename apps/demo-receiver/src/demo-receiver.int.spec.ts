// The demo receiver over real HTTP: in process (deterministic failure injection) and as the built
// process from dist/ (what `npm start` and the Docker image run). Deliveries are signed by the
// delivery code path's own signer (eventing-core webhookHeaders).
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWebhookSecret, webhookHeaders } from '@spaceport/eventing-core';
import { freePort, ManagedProcess, ROOT, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoReceiver, type ReceivedDelivery } from './demo-receiver';
import { parseReceiverSettings } from './receiver-settings';

const SECRET = generateWebhookSecret();
const cloudEvent = (id: string) =>
  JSON.stringify({ specversion: '1.0', id, source: '/spaceport/demo', type: 'demo.ping', data: { n: 1 } });

async function deliver(url: string, webhookId: string, body: string, secrets: string[]): Promise<number> {
  const headers = webhookHeaders({ webhookId, timestamp: Math.floor(Date.now() / 1000), body, secrets });
  const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return res.status;
}

async function received(baseUrl: string): Promise<{ total: number; kept: number; deliveries: ReceivedDelivery[] }> {
  const res = await fetch(`${baseUrl}/received`);
  return (await res.json()) as { total: number; kept: number; deliveries: ReceivedDelivery[] };
}

describe('demo receiver (in process)', () => {
  const logs: Record<string, unknown>[] = [];
  let baseUrl = '';
  let failNext = false;
  const { server } = createDemoReceiver({
    settings: { ...parseReceiverSettings({ WEBHOOK_SECRET: SECRET, RECEIVER_KEEP: '3', FAIL_RATE: '0.5' }) },
    log: (line) => logs.push(line),
    // deterministic failure injection: below FAIL_RATE (0.5) fails
    random: () => (failNext ? 0.1 : 0.9),
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a correctly signed delivery with 204 and shows it at GET /received', async () => {
    expect(await deliver(`${baseUrl}/webhooks`, 'dlv_ok', cloudEvent('evt_1'), [SECRET])).toBe(204);
    const view = await received(baseUrl);
    expect(view.deliveries[0]).toMatchObject({
      path: '/webhooks',
      webhookId: 'dlv_ok',
      eventId: 'evt_1',
      type: 'demo.ping',
      attempt: 1,
      verified: true,
      status: 204,
    });
    expect(logs.at(-1)).toMatchObject({ msg: 'webhook received', webhookId: 'dlv_ok', type: 'demo.ping' });
  });

  it('refuses a bad signature, a tampered body and a missing signature with 401, keeping none of them', async () => {
    const before = (await received(baseUrl)).total;
    expect(await deliver(`${baseUrl}/webhooks`, 'dlv_bad', cloudEvent('evt_2'), [generateWebhookSecret()])).toBe(401);
    const headers = webhookHeaders({
      webhookId: 'dlv_tamper',
      timestamp: Math.floor(Date.now() / 1000),
      body: cloudEvent('evt_3'),
      secrets: [SECRET],
    });
    const tampered = await fetch(`${baseUrl}/webhooks`, {
      method: 'POST',
      headers: { ...headers },
      body: cloudEvent('evt_4'),
    });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({ error: 'signature check failed: no signature matches' });
    const unsigned = await fetch(`${baseUrl}/webhooks`, { method: 'POST', body: cloudEvent('evt_5') });
    expect(unsigned.status).toBe(401);
    expect((await received(baseUrl)).total).toBe(before);
    expect(logs.filter((l) => l['msg'] === 'webhook refused')).toHaveLength(3);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('injects failures at FAIL_RATE and counts the retry of the same webhook-id as attempt 2', async () => {
    failNext = true;
    expect(await deliver(`${baseUrl}/webhooks`, 'dlv_retry', cloudEvent('evt_6'), [SECRET])).toBe(500);
    failNext = false;
    expect(await deliver(`${baseUrl}/webhooks`, 'dlv_retry', cloudEvent('evt_6'), [SECRET])).toBe(204);
    const [latest, previous] = (await received(baseUrl)).deliveries;
    expect(previous).toMatchObject({ webhookId: 'dlv_retry', attempt: 1, status: 500 });
    expect(latest).toMatchObject({ webhookId: 'dlv_retry', attempt: 2, status: 204 });
  });

  it('keeps only the last RECEIVER_KEEP deliveries, newest first', async () => {
    for (const n of [7, 8, 9])
      expect(await deliver(`${baseUrl}/webhooks`, `dlv_${n}`, cloudEvent(`evt_${n}`), [SECRET])).toBe(204);
    const view = await received(baseUrl);
    expect(view.kept).toBe(3);
    expect(view.total).toBe(6);
    expect(view.deliveries.map((d) => d.webhookId)).toEqual(['dlv_9', 'dlv_8', 'dlv_7']);
  });

  it('answers /healthz, and 404/405 with a message for anything else', async () => {
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toMatchObject({ status: 'ok', role: 'demo-receiver' });
    const missing = await fetch(`${baseUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining('GET /nope') });
    expect((await fetch(`${baseUrl}/webhooks`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('demo receiver (built process, dist/apps/demo-receiver)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-demo-receiver-'));
  const entry = join(ROOT, 'dist/apps/demo-receiver/src/main.js');
  let proc: ManagedProcess;
  let baseUrl = '';

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    proc = new ManagedProcess({
      name: 'demo-receiver',
      command: process.execPath,
      args: [entry],
      cwd: workDir,
      logFile: join(workDir, 'receiver.log'),
      env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: String(port), WEBHOOK_SECRET: SECRET },
    });
    proc.start();
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`exited: ${proc.logTail()}`);
        return (await fetch(`${baseUrl}/healthz`).catch(() => undefined))?.status === 200;
      },
      { what: 'demo-receiver /healthz', timeoutMs: 10_000, intervalMs: 25 },
    );
  });
  afterAll(async () => {
    await proc.stop(3_000);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('verifies with WEBHOOK_SECRET from the environment and logs one JSON line per delivery, without the secret', async () => {
    expect(await deliver(`${baseUrl}/hook`, 'dlv_dist', cloudEvent('evt_dist'), [SECRET])).toBe(204);
    expect(await deliver(`${baseUrl}/hook`, 'dlv_forged', cloudEvent('evt_dist'), [generateWebhookSecret()])).toBe(401);
    const lines = await waitFor(
      () => {
        const parsed = proc
          .logTail()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        return parsed.some((l) => l['msg'] === 'webhook refused') ? parsed : undefined;
      },
      { what: 'log lines', timeoutMs: 5_000 },
    );
    expect(lines.filter((l) => l['msg'] === 'webhook received')).toEqual([
      expect.objectContaining({ webhookId: 'dlv_dist', verified: true, role: 'demo-receiver' }),
    ]);
    expect(proc.logTail()).not.toContain(SECRET.slice('whsec_'.length));
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    await proc.stop(3_000);
    expect(proc.exitCode).toBe(0);
  });
});
