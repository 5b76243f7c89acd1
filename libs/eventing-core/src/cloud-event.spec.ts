import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonValue } from './canonical-json';
import {
  buildCloudEvent,
  cloudEventBody,
  cloudEventBodyOfCanonicalData,
  cloudEventSource,
  type CloudEventInput,
} from './cloud-event';

const input: CloudEventInput = {
  id: '01JHG7ZK3Q8W5V2N4M6P9R0STU',
  type: 'order.created',
  project: 'shop',
  time: new Date(Date.UTC(2025, 0, 15, 12, 30, 45, 123)),
  data: { orderId: 'o-1', amount: 42.5, items: [{ sku: 'A', qty: 2 }], paid: true, note: null },
};

/** The same JSON value with every object's keys inserted in reverse order. */
function reverseKeyOrder(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(reverseKeyOrder);
  if (value === null || typeof value !== 'object') return value;
  const reversed: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(reversed, key, {
      value: reverseKeyOrder(value[key]!),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return reversed;
}

describe('cloudEventBody', () => {
  it('carries the CloudEvents 1.0 attributes and the Space Cloud field names', () => {
    const parsed = JSON.parse(cloudEventBody(input)) as Record<string, unknown>;
    expect(parsed).toEqual({
      specversion: '1.0',
      id: input.id,
      source: '/spaceport/shop',
      type: 'order.created',
      datacontenttype: 'application/json',
      time: '2025-01-15T12:30:45.123Z',
      data: input.data,
    });
  });

  it('writes the attributes in a fixed order, then data with sorted keys', () => {
    const body = cloudEventBody({ ...input, data: { b: 1, a: [true, { d: null, c: 'x' }] } });
    expect(body).toBe(
      '{"specversion":"1.0","id":"01JHG7ZK3Q8W5V2N4M6P9R0STU","source":"/spaceport/shop","type":"order.created",' +
        '"datacontenttype":"application/json","time":"2025-01-15T12:30:45.123Z","data":{"a":[true,{"c":"x","d":null}],"b":1}}',
    );
  });

  it('adds subject and the partitionkey extension when given', () => {
    const parsed = JSON.parse(
      cloudEventBody({ ...input, subject: 'orders/o-1', partitionKey: 'customer-7' }),
    ) as Record<string, unknown>;
    expect(parsed['subject']).toBe('orders/o-1');
    expect(parsed['partitionkey']).toBe('customer-7');
    expect(Object.keys(parsed).at(-1)).toBe('data');
  });

  it('is byte-identical for equal data, whatever the key order or a storage round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const data = value as JsonValue;
        const body = cloudEventBody({ ...input, data });
        expect(cloudEventBody({ ...input, data: reverseKeyOrder(data) })).toBe(body);
        expect(cloudEventBody({ ...input, data: JSON.parse(JSON.stringify(data)) as JsonValue })).toBe(body);
        expect((JSON.parse(body) as { data: unknown }).data).toEqual(JSON.parse(JSON.stringify(data)));
      }),
      { numRuns: 300 },
    );
  });

  it('splices canonical data text into the same bytes as the parsed value gives', () => {
    const { data: _data, ...attributes } = input;
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (value, partitionKey) => {
        const data = value as JsonValue;
        expect(cloudEventBodyOfCanonicalData({ ...attributes, partitionKey }, canonicalJson(data))).toBe(
          cloudEventBody({ ...input, partitionKey, data }),
        );
      }),
      { numRuns: 300 },
    );
    expect(() => cloudEventBodyOfCanonicalData({ ...attributes, type: '' }, '{}')).toThrow(/type/);
  });

  it('percent-encodes the project in the source', () => {
    expect(cloudEventSource('my project/x')).toBe('/spaceport/my%20project%2Fx');
    expect(() => cloudEventSource('')).toThrow(RangeError);
  });

  it('rejects an empty id or type and an invalid time', () => {
    expect(() => buildCloudEvent({ ...input, id: '' })).toThrow(/id/);
    expect(() => buildCloudEvent({ ...input, type: '' })).toThrow(/type/);
    expect(() => buildCloudEvent({ ...input, time: new Date(Number.NaN) })).toThrow(/time/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys by code unit (so "10" before "2" and "Z" before "a") and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: 2, 2: 'two', 10: 'ten', Z: 0, skip: undefined })).toBe(
      '{"10":"ten","2":"two","Z":0,"a":2,"b":1}',
    );
  });

  it('writes strings and numbers as JSON does', () => {
    expect(canonicalJson(['é\n"', 1e21, -0, 0.1])).toBe('["é\\n\\"",1e+21,0,0.1]');
  });

  it.each([
    ['NaN', { n: Number.NaN }, /\$\.n: NaN/],
    ['Infinity', [1, Number.POSITIVE_INFINITY], /\$\[1\]: Infinity/],
    ['a bigint', { big: 1n }, /bigint/],
    ['a Date', { at: new Date(0) }, /non-plain object/],
    ['a function', { f: () => 1 }, /function/],
    ['undefined in an array', [undefined], /\$\[0\]: undefined/],
  ])('rejects %s, naming where', (_label, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });
});
