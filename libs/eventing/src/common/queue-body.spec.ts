import { describe, expect, it } from 'vitest';
import { isValidIdempotencyKey, parseQueueEvent, requestHash } from './queue-body';

const NOW = Date.UTC(2025, 0, 1);

describe('parseQueueEvent', () => {
  it('accepts Space Cloud bodies and computes notBefore from delay and timestamp', () => {
    const parsed = parseQueueEvent({ type: 'a.b', payload: { x: 1 }, delay: 500, options: { region: 'eu' } }, NOW);
    expect(parsed).toMatchObject({ ok: true, event: { type: 'a.b', notBefore: NOW + 500, options: { region: 'eu' } } });
    const later = new Date(NOW + 60_000).toISOString();
    expect(parseQueueEvent({ type: 'a', payload: 1, timestamp: later }, NOW)).toMatchObject({
      ok: true,
      event: { notBefore: NOW + 60_000 },
    });
    expect(parseQueueEvent({ type: 'a', payload: 1, timestamp: new Date(NOW - 1).toISOString() }, NOW)).toMatchObject({
      ok: true,
      event: { notBefore: 0 },
    });
  });

  it("accepts every field space-api@0.19.3 sends and keeps the client's timestamp as the event time", () => {
    const timestamp = new Date(NOW - 250);
    // exactly what the client's apply() serializes
    const body = JSON.parse(
      JSON.stringify({ type: 'a', delay: 0, payload: { x: 1 }, options: {}, isSynchronous: true, timestamp }),
    ) as unknown;
    expect(parseQueueEvent(body, NOW)).toMatchObject({
      ok: true,
      event: { notBefore: NOW, time: NOW - 250, synchronous: true, options: {} },
    });
    // an invalid Date serializes as null: read as no timestamp, as Space Cloud's Go struct does
    const invalid = JSON.parse(JSON.stringify({ type: 'a', payload: 1, timestamp: new Date(Number.NaN) })) as unknown;
    const parsed = parseQueueEvent(invalid, NOW);
    expect(parsed).toMatchObject({ ok: true, event: { notBefore: 0, synchronous: false } });
    expect(parsed.ok && parsed.event.time).toBeUndefined();
  });

  it.each([
    [{ type: 'a', payload: {}, isSynchronous: 'yes' }, 'isSynchronous'],
    [{ payload: {} }, 'type'],
    [{ type: 'a' }, 'payload'],
    [{ type: 'a', payload: {}, delay: -1 }, 'delay'],
    [{ type: 'a', payload: {}, timestamp: '2025-01-01' }, 'timestamp'],
    [{ type: 'a', payload: {}, extra: 1 }, 'extra'],
    [{ type: 'has space', payload: {} }, 'type'],
  ])('rejects %j naming %s', (body, field) => {
    const parsed = parseQueueEvent(body, NOW, 'events.2');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues[0]?.field).toBe(`events.2.${field}`);
  });

  it('says what is wrong: a missing field, each unknown field, a bad option, a wrong type', () => {
    const issues = (body: unknown): unknown => {
      const parsed = parseQueueEvent(body, NOW);
      return parsed.ok ? 'accepted' : parsed.issues;
    };
    expect(issues({ payload: {} })).toEqual([{ field: 'type', message: 'is required' }]);
    expect(issues({ type: '', payload: {} })).toEqual([{ field: 'type', message: 'is required' }]);
    expect(issues({ type: 'a', payload: {}, colour: 'red', size: 2 })).toEqual([
      { field: 'colour', message: 'unknown field' },
      { field: 'size', message: 'unknown field' },
    ]);
    expect(issues({ type: 'a', payload: {}, options: 'eu' })).toEqual([
      { field: 'options', message: 'expected object, received string' },
    ]);
    expect(issues({ type: 'a', payload: {}, options: JSON.parse('{"__proto__": {"x": 1}}') })).toEqual([
      { field: 'options.__proto__', message: 'the key "__proto__" is not allowed' },
    ]);
    // nested: the closest branch of the JSON value, not "Invalid input"
    expect(issues({ type: 'a', payload: {}, options: JSON.parse('{"a": {"__proto__": 1}}') })).toEqual([
      { field: 'options.a.__proto__', message: 'the key "__proto__" is not allowed' },
    ]);
    expect(issues({ type: 7, payload: {} })).toEqual([
      { field: 'type', message: expect.stringMatching(/expected string, received number/) },
    ]);
    expect(issues([])).toEqual([{ field: '(body)', message: expect.stringMatching(/expected object/) }]);
    expect(issues({ type: 'a', payload: null, options: null })).toBe('accepted');
  });

  it('measures payload bytes and hashes bodies independent of key order', () => {
    const a = parseQueueEvent({ type: 't', payload: { b: 'é', a: 1 } }, NOW);
    const b = parseQueueEvent({ payload: { a: 1, b: 'é' }, type: 't' }, NOW);
    if (!a.ok || !b.ok) throw new Error('unexpected');
    expect(a.event.payloadBytes).toBe(Buffer.byteLength('{"a":1,"b":"é"}'));
    expect(a.event.payloadJson).toBe('{"a":1,"b":"é"}');
    expect(requestHash([a.event], false)).toBe(requestHash([b.event], false));
    expect(requestHash([a.event], false)).not.toBe(requestHash([a.event], true));
    const c = parseQueueEvent({ type: 't', payload: { a: 1, b: 'e' } }, NOW);
    if (!c.ok) throw new Error('unexpected');
    expect(requestHash([c.event], false)).not.toBe(requestHash([a.event], false));
    expect(isValidIdempotencyKey('abc-123')).toBe(true);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('')).toBe(false);
  });
});
