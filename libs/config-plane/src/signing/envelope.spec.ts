import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MESSAGE_LABEL, openEnvelope, signEnvelope, STORED_COPY_LABEL, type UnsignedEnvelope } from './envelope';
import { type ConfigSigningKeys } from './signing-keys';

const current = randomBytes(32);
const previous = randomBytes(32);
const keys: ConfigSigningKeys = { current, previous: undefined };
const CHANNEL = 'spaceport:c1:config:changed';
const draft: UnsignedEnvelope = {
  label: MESSAGE_LABEL,
  cluster: 'c1',
  sentAt: 1_000,
  origin: 'o1',
  seq: 1,
  nonce: 'n1',
  inReplyTo: null,
  body: JSON.stringify({ pattern: CHANNEL, data: { seq: 1 } }),
};
const open = (k: ConfigSigningKeys, raw: string, channel = CHANNEL, cluster = 'c1', label = MESSAGE_LABEL) =>
  openEnvelope(k, label, cluster, channel, raw);

describe('signed envelope', () => {
  it('opens what was signed with the current key, or with the previous one during a rotation', () => {
    const raw = JSON.stringify(signEnvelope(current, CHANNEL, draft));
    expect(open(keys, raw)).toMatchObject({ ok: true, envelope: { body: draft.body } });
    const rotated: ConfigSigningKeys = { current: randomBytes(32), previous: current };
    expect(open(rotated, raw).ok).toBe(true);
    expect(open({ current: previous, previous: undefined }, raw)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each<[string, keyof UnsignedEnvelope, unknown]>([
    ['body', 'body', JSON.stringify({ pattern: CHANNEL, data: { seq: 99 } })],
    ['sentAt', 'sentAt', 2_000],
    ['origin', 'origin', 'o2'],
    ['seq', 'seq', 2],
    ['nonce', 'nonce', 'n2'],
    ['inReplyTo', 'inReplyTo', 'req-1'],
  ])('refuses a message whose %s was changed after signing', (_, field, value) => {
    const signed = signEnvelope(current, CHANNEL, draft);
    expect(open(keys, JSON.stringify({ ...signed, [field]: value }))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('binds the channel, the cluster and the label', () => {
    const raw = JSON.stringify(signEnvelope(current, CHANNEL, draft));
    expect(open(keys, raw, 'spaceport:c1:config:heartbeat')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(open(keys, raw, CHANNEL, 'c2')).toEqual({ ok: false, reason: 'wrong-cluster' });
    expect(open(keys, JSON.stringify({ ...JSON.parse(raw), cluster: 'c2' }), CHANNEL, 'c2')).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(open(keys, raw, CHANNEL, 'c1', STORED_COPY_LABEL)).toEqual({ ok: false, reason: 'unsigned' });
  });

  it.each([
    ['a bare Nest packet', JSON.stringify({ pattern: CHANNEL, data: {} })],
    ['not JSON', 'hello'],
    ['null', 'null'],
    ['a non-integer seq', JSON.stringify({ ...signEnvelope(current, CHANNEL, draft), seq: '1' })],
  ])('calls %s unsigned', (_, raw) => {
    expect(open(keys, raw)).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('refuses a signature of the wrong length without throwing', () => {
    const signed = signEnvelope(current, CHANNEL, draft);
    expect(open(keys, JSON.stringify({ ...signed, sig: 'AAAA' }))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
