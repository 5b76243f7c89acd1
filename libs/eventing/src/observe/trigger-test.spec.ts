import { emptySnapshot, projectSchema, triggersForEvent, triggerSchema } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { testEventFor } from './trigger-test';

const secrets = { webhook: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`], apiTokens: [] };
const trigger = (id: string, extra: object = {}) =>
  triggerSchema.parse({ id, type: 'order.paid', url: 'https://x.test/', ...extra });
const snapshot = emptySnapshot(3);
snapshot.projects['shop'] = {
  version: 1,
  value: projectSchema.parse({ id: 'shop', name: 'Shop', secrets }),
  triggers: {
    big: { version: 2, value: trigger('big', { filter: [{ path: 'amount', op: 'gte', value: 100 }] }) },
    other: { version: 3, value: trigger('other') },
    off: { version: 4, value: trigger('off', { enabled: false }) },
  },
};

describe('testEventFor', () => {
  it('targets the one trigger, its filter aside, with the default payload', () => {
    const test = testEventFor(snapshot, 'shop', 'big', undefined);
    if (!test.ok) throw new Error(test.message);
    expect(test.event).toMatchObject({ type: 'order.paid', payload: { test: true }, payloadJson: '{"test":true}' });
    // fan-out over the test view: only "big", although "other" matches the type and "big"'s filter does not match
    expect(triggersForEvent(test.snapshot, 'shop', test.event).map((t) => t.id)).toEqual(['big']);
    // the real config is untouched
    expect(triggersForEvent(snapshot, 'shop', test.event).map((t) => t.id)).toEqual(['other']);
  });

  it('takes the given payload; refuses unknown and config-disabled triggers', () => {
    const test = testEventFor(snapshot, 'shop', 'other', { payload: { amount: 5 } });
    expect(test.ok && test.event.payload).toEqual({ amount: 5 });
    expect(testEventFor(snapshot, 'shop', 'nope', {})).toMatchObject({ ok: false, status: 404 });
    expect(testEventFor(snapshot, 'shop', 'off', {})).toMatchObject({ ok: false, status: 409 });
  });
});
