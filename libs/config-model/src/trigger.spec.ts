import { describe, expect, it } from 'vitest';
import { defaultEventingSettings } from './eventing';
import { safeParseFields } from './issues';
import {
  redactTrigger,
  resolveTrigger,
  type Trigger,
  triggerBodySchema,
  triggerMatchesEvent,
  triggerSchema,
} from './trigger';

const fieldsOf = (body: unknown, prefix?: string) => {
  const result = safeParseFields(triggerBodySchema, body, prefix);
  if (result.success) throw new Error('expected a validation error');
  return result.issues;
};

const minimal = { type: 'order.created', url: 'https://example.com/hook' };

describe('trigger schema', () => {
  it('applies defaults, and the cluster defaults fill retries/timeout/schedule', () => {
    const trigger = triggerSchema.parse({ ...minimal, id: 'orders' });
    expect(trigger).toEqual({ ...minimal, id: 'orders', headers: {}, enabled: true, ordered: false });
    const effective = resolveTrigger(trigger, defaultEventingSettings());
    expect(effective.retries).toBe(3);
    expect(effective.timeout).toBe(5000);
    expect(effective.retrySchedule).toEqual({ baseDelayMs: 1000, maxDelayMs: 600_000 });
  });

  it('keeps explicit values over cluster defaults', () => {
    const trigger = triggerSchema.parse({
      ...minimal,
      id: 't',
      retries: 0,
      timeout: 250,
      retrySchedule: { baseDelayMs: 10 },
    });
    const effective = resolveTrigger(trigger, defaultEventingSettings());
    expect([effective.retries, effective.timeout, effective.retrySchedule]).toEqual([
      0,
      250,
      { baseDelayMs: 10, maxDelayMs: 600_000 },
    ]);
  });

  it('accepts a Space Cloud trigger body unchanged', () => {
    const spaceCloud = {
      type: 'DB_INSERT',
      url: 'http://orders.svc:8080/v1/hook',
      retries: 5,
      timeout: 10000,
      options: { db: 'mydb', col: 'orders' },
      filter: { rule: 'match', eval: '==', type: 'string', f1: 'args.data.status', f2: 'paid' },
    };
    const parsed = triggerBodySchema.parse(JSON.parse(JSON.stringify(spaceCloud)));
    expect(parsed).toMatchObject(spaceCloud);
    expect(
      triggerBodySchema.parse({ ...spaceCloud, id: 'sc-trigger', options: null, filter: null, timeout: 0 }),
    ).toMatchObject({
      id: 'sc-trigger',
      options: undefined,
      filter: undefined,
      timeout: undefined,
    });
    expect(triggerBodySchema.parse({ ...spaceCloud, id: '' }).id).toBeUndefined();
  });

  it.each([
    ['ftp://example.com/x', 'must use http or https'],
    ['/relative/path', 'must be an absolute http:// or https:// URL'],
    ['javascript:alert(1)', 'must use http or https'],
    ['not a url', 'must be an absolute http:// or https:// URL'],
  ])('rejects url %s with a field path', (url, message) => {
    expect(fieldsOf({ ...minimal, url }, 'triggers')).toEqual([{ field: 'triggers.url', message }]);
  });

  it('rejects negative retries, bad timeouts, schedule inversions and unknown fields', () => {
    expect(fieldsOf({ ...minimal, retries: -1 }).map((i) => i.field)).toEqual(['retries']);
    expect(fieldsOf({ ...minimal, retries: 1.5 }).map((i) => i.field)).toEqual(['retries']);
    expect(fieldsOf({ ...minimal, timeout: -5 }).map((i) => i.field)).toEqual(['timeout']);
    expect(fieldsOf({ ...minimal, retrySchedule: { baseDelayMs: 5000, maxDelayMs: 10 } })).toEqual([
      { field: 'retrySchedule.maxDelayMs', message: 'must be at least baseDelayMs' },
    ]);
    expect(fieldsOf({ ...minimal, retires: 3 })).toEqual([{ field: '(root)', message: 'unknown field(s): retires' }]);
    expect(fieldsOf({ url: minimal.url })).toEqual([{ field: 'type', message: 'is required' }]);
    expect(fieldsOf({ ...minimal, rateLimit: 0 }).map((i) => i.field)).toEqual(['rateLimit']);
  });

  it('forbids overriding Spaceport headers, case-insensitively', () => {
    for (const name of ['webhook-signature', 'Webhook-Id', 'WEBHOOK-anything', 'Content-Type', 'idempotency-key']) {
      expect(fieldsOf({ ...minimal, headers: { [name]: 'x' } })).toEqual([
        { field: `headers.${name}`, message: `header "${name}" is set by Spaceport and cannot be overridden` },
      ]);
    }
    expect(fieldsOf({ ...minimal, headers: { 'X-A': '1', 'x-a': '2' } }).map((i) => i.field)).toEqual(['headers.x-a']);
    expect(fieldsOf({ ...minimal, headers: { 'bad name': 'x' } }).map((i) => i.field)).toEqual(['headers.bad name']);
    expect(fieldsOf({ ...minimal, headers: { 'X-Ok': 'a\r\nInjected: 1' } })).toEqual([
      { field: 'headers.X-Ok', message: 'must not contain CR, LF or NUL' },
    ]);
    expect(triggerBodySchema.parse({ ...minimal, headers: { Authorization: 'Bearer abc' } }).headers).toEqual({
      Authorization: 'Bearer abc',
    });
  });

  it('validates the filter in place, with paths into it', () => {
    expect(fieldsOf({ ...minimal, filter: [{ path: 'a', op: 'like', value: 1 }] }).map((i) => i.field)).toEqual([
      'filter.0.op',
    ]);
    expect(fieldsOf({ ...minimal, filter: [{ path: 'a..b', op: 'eq', value: 1 }] }).map((i) => i.field)).toEqual([
      'filter.0.path',
    ]);
    expect(fieldsOf({ ...minimal, filter: { eval: '==' } })).toEqual([
      { field: 'filter.rule', message: 'a Space Cloud rule needs a "rule" name' },
    ]);
  });
});

describe('trigger matching and redaction', () => {
  const trigger: Trigger = triggerSchema.parse({
    ...minimal,
    id: 'paid',
    url: 'https://user:pa55word@example.com/hook?x=1',
    headers: { Authorization: 'Bearer sekrit-token-value' },
    options: { region: 'eu' },
    filter: [{ path: 'status', op: 'eq', value: 'paid' }],
  });

  it('fans out on type, options and filter, only when enabled', () => {
    const event = { type: 'order.created', payload: { status: 'paid' }, options: { region: 'eu', extra: 1 } };
    expect(triggerMatchesEvent(trigger, event)).toBe(true);
    expect(triggerMatchesEvent(trigger, { ...event, type: 'order.updated' })).toBe(false);
    expect(triggerMatchesEvent(trigger, { ...event, options: {} })).toBe(false);
    expect(triggerMatchesEvent(trigger, { ...event, payload: { status: 'open' } })).toBe(false);
    expect(triggerMatchesEvent({ ...trigger, enabled: false }, event)).toBe(false);
  });

  it('redacts header values and URL credentials', () => {
    const text = JSON.stringify(redactTrigger(trigger));
    expect(text).not.toContain('sekrit-token-value');
    expect(text).not.toContain('pa55word');
    expect(redactTrigger(trigger).url).toBe('https://redacted:redacted@example.com/hook?x=1');
    expect(redactTrigger(trigger).headers).toEqual({ Authorization: '[redacted]' });
  });
});
