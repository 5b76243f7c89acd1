import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, webhookHeaders } from './signing';
import { verifyWebhook } from './verification';

const SECRET = generateWebhookSecret();
const OTHER = generateWebhookSecret();
const NOW = 1_750_000_000;
const body = '{"specversion":"1.0","id":"evt_1","data":{"note":"café ☕"}}';
const signed = (secrets: string[], timestamp = NOW) => ({
  ...webhookHeaders({ webhookId: 'dlv_1', timestamp, body, secrets }),
});

describe('verifyWebhook', () => {
  it('accepts what signWebhook produced, from a string or the raw bytes', () => {
    expect(verifyWebhook({ headers: signed([SECRET]), body, secrets: [SECRET], nowSeconds: NOW })).toEqual({
      ok: true,
    });
    expect(
      verifyWebhook({ headers: signed([SECRET]), body: Buffer.from(body), secrets: [SECRET], nowSeconds: NOW + 299 }),
    ).toEqual({ ok: true });
  });

  it('accepts what the independent standardwebhooks library signs', () => {
    const signature = new Webhook(SECRET).sign('msg_x', new Date(NOW * 1000), body);
    const headers = { 'webhook-id': 'msg_x', 'webhook-timestamp': String(NOW), 'webhook-signature': signature };
    expect(verifyWebhook({ headers, body, secrets: [SECRET], nowSeconds: NOW })).toEqual({ ok: true });
  });

  it('accepts any of several signatures (rotation) and any of several receiver secrets', () => {
    expect(verifyWebhook({ headers: signed([OTHER, SECRET]), body, secrets: [SECRET], nowSeconds: NOW }).ok).toBe(true);
    expect(verifyWebhook({ headers: signed([SECRET]), body, secrets: [OTHER, SECRET], nowSeconds: NOW }).ok).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a changed id and a stale timestamp', () => {
    expect(verifyWebhook({ headers: signed([OTHER]), body, secrets: [SECRET], nowSeconds: NOW })).toEqual({
      ok: false,
      reason: 'no signature matches',
    });
    expect(verifyWebhook({ headers: signed([SECRET]), body: `${body} `, secrets: [SECRET], nowSeconds: NOW }).ok).toBe(
      false,
    );
    expect(
      verifyWebhook({
        headers: { ...signed([SECRET]), 'webhook-id': 'dlv_2' },
        body,
        secrets: [SECRET],
        nowSeconds: NOW,
      }).ok,
    ).toBe(false);
    const stale = verifyWebhook({ headers: signed([SECRET], NOW - 301), body, secrets: [SECRET], nowSeconds: NOW });
    expect(stale).toEqual({ ok: false, reason: 'webhook-timestamp is more than 300 s away from now' });
  });

  it('names missing or malformed headers without echoing them', () => {
    expect(verifyWebhook({ headers: {}, body, secrets: [SECRET], nowSeconds: NOW })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/missing/),
    });
    const badTs = verifyWebhook({
      headers: { ...signed([SECRET]), 'webhook-timestamp': '12.5' },
      body,
      secrets: [SECRET],
      nowSeconds: NOW,
    });
    expect(badTs).toMatchObject({ ok: false, reason: expect.stringMatching(/Unix seconds/) });
    const noV1 = verifyWebhook({
      headers: { ...signed([SECRET]), 'webhook-signature': 'v2,abc' },
      body,
      secrets: [SECRET],
      nowSeconds: NOW,
    });
    expect(noV1).toEqual({ ok: false, reason: 'webhook-signature has no v1 signature' });
  });
});
