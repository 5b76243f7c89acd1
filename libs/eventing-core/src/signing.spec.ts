import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { decodeWebhookSecret, generateWebhookSecret, signWebhook, WebhookSecretError, webhookHeaders } from './signing';

const SECRET_A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECRET_B = generateWebhookSecret();
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const body = '{"specversion":"1.0","id":"01J","data":{"amount":42,"note":"café ☕"}}';

/** Verifies with the independent standardwebhooks implementation; returns true or the error message. */
function verifies(secret: string, payload: string, headers: Record<string, string>): true | string {
  try {
    new Webhook(secret).verify(payload, headers, { jsonParse: false });
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('signWebhook', () => {
  it('reproduces the published Standard Webhooks test vector', () => {
    // vector of the Standard Webhooks / Svix library test suites
    const signature = signWebhook({
      webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secrets: [SECRET_A],
    });
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is accepted by standardwebhooks Webhook.verify', () => {
    const headers = webhookHeaders({ webhookId: 'msg_abc', timestamp: nowSeconds(), body, secrets: [SECRET_A] });
    expect(verifies(SECRET_A, body, { ...headers })).toBe(true);
  });

  it('during rotation carries one signature per secret, each verifying on its own', () => {
    const headers = webhookHeaders({
      webhookId: 'msg_rot',
      timestamp: nowSeconds(),
      body,
      secrets: [SECRET_B, SECRET_A],
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifies(SECRET_A, body, { ...headers })).toBe(true);
    expect(verifies(SECRET_B, body, { ...headers })).toBe(true);
  });

  it('fails verification for a tampered body, id or timestamp, and for a wrong secret', () => {
    const timestamp = nowSeconds();
    const headers = { ...webhookHeaders({ webhookId: 'msg_t', timestamp, body, secrets: [SECRET_A] }) };
    expect(verifies(SECRET_A, body.replace('42', '43'), headers)).toMatch(/No matching signature/);
    expect(verifies(SECRET_A, body, { ...headers, 'webhook-id': 'msg_u' })).toMatch(/No matching signature/);
    expect(verifies(SECRET_A, body, { ...headers, 'webhook-timestamp': String(timestamp - 1) })).toMatch(
      /No matching signature/,
    );
    expect(verifies(generateWebhookSecret(), body, headers)).toMatch(/No matching signature/);
  });

  it('verifies for any body and freshly generated secret', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 24, max: 64 }),
        (payload, size) => {
          const secret = generateWebhookSecret(size);
          const headers = webhookHeaders({
            webhookId: 'msg_prop',
            timestamp: nowSeconds(),
            body: payload,
            secrets: [secret],
          });
          expect(verifies(secret, payload, { ...headers })).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic for the same inputs (retries resend the same signature for the same timestamp)', () => {
    const input = { webhookId: 'msg_same', timestamp: 1_700_000_000, body, secrets: [SECRET_A, SECRET_B] };
    expect(signWebhook(input)).toBe(signWebhook({ ...input }));
  });

  it('rejects bad ids, timestamps and an empty secret list', () => {
    expect(() => signWebhook({ webhookId: '', timestamp: 1, body, secrets: [SECRET_A] })).toThrow(RangeError);
    expect(() => signWebhook({ webhookId: 'a b', timestamp: 1, body, secrets: [SECRET_A] })).toThrow(RangeError);
    expect(() => signWebhook({ webhookId: 'msg', timestamp: 1.5, body, secrets: [SECRET_A] })).toThrow(/whole/);
    expect(() => signWebhook({ webhookId: 'msg', timestamp: 1, body, secrets: [] })).toThrow(WebhookSecretError);
  });
});

describe('webhookHeaders', () => {
  it('sends the webhook id also as idempotency key and the timestamp in seconds', () => {
    const headers = webhookHeaders({ webhookId: 'msg_h', timestamp: 1_700_000_000, body, secrets: [SECRET_A] });
    expect(Object.keys(headers).sort()).toEqual([
      'idempotency-key',
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ]);
    expect(headers['idempotency-key']).toBe('msg_h');
    expect(headers['webhook-timestamp']).toBe('1700000000');
  });
});

describe('webhook secrets', () => {
  it.each([
    ['missing prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
    ['empty key', 'whsec_', /base64/],
    ['not base64', 'whsec_not*base64*at*all*here*xx', /base64/],
    ['unpadded base64', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', /base64/],
    ['key too short (16 bytes)', `whsec_${Buffer.alloc(16, 1).toString('base64')}`, /24-64 bytes, got 16/],
    ['key too long (65 bytes)', `whsec_${Buffer.alloc(65, 1).toString('base64')}`, /24-64 bytes, got 65/],
  ])('rejects a secret with %s', (_label, secret, message) => {
    expect(() => decodeWebhookSecret(secret)).toThrow(WebhookSecretError);
    expect(() => decodeWebhookSecret(secret)).toThrow(message);
    expect(() => signWebhook({ webhookId: 'msg', timestamp: 1, body, secrets: [SECRET_A, secret] })).toThrow(
      WebhookSecretError,
    );
  });

  it('does not echo the secret in the error message', () => {
    expect(() => decodeWebhookSecret('whsec_c2hvcnQ=')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('c2hvcnQ') }),
    );
  });

  it('generates whsec_ + base64 of 32 random bytes by default, distinct each time', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeWebhookSecret(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('uses the injected random source (24 zero bytes → 32 base64 "A"s)', () => {
    expect(generateWebhookSecret(24, (size) => new Uint8Array(size))).toBe(`whsec_${'A'.repeat(32)}`);
    expect(() => generateWebhookSecret(16)).toThrow(RangeError);
    expect(() => generateWebhookSecret(32, () => new Uint8Array(3))).toThrow(RangeError);
  });
});
