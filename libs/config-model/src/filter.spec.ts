import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FilterConditionInput,
  filterConditionsSchema,
  filterWarnings,
  matchesFilter,
  matchesOptions,
  payloadFilterSchema,
} from './filter';
import { type JsonValue } from './json';

const payload = {
  status: 'paid',
  amount: 120,
  note: null,
  placedAt: '2024-05-01T10:00:00Z',
  customer: { tier: 'gold', tags: ['vip', 'eu'] },
  items: [{ sku: 'A-1', qty: 2 }],
  'dotted.key': true,
};

const matches = (conditions: FilterConditionInput[], value: unknown = payload) =>
  matchesFilter(filterConditionsSchema.parse(conditions), value);

describe('condition filter semantics', () => {
  it('matches everything with no filter or an empty list', () => {
    expect(matchesFilter(undefined, payload)).toBe(true);
    expect(matchesFilter(null, 'anything')).toBe(true);
    expect(matches([])).toBe(true);
  });

  it.each<[string, FilterConditionInput, boolean]>([
    ['eq string', { path: 'status', op: 'eq', value: 'paid' }, true],
    ['eq wrong type', { path: 'amount', op: 'eq', value: '120' }, false],
    ['eq deep object', { path: 'customer', op: 'eq', value: { tags: ['vip', 'eu'], tier: 'gold' } }, true],
    ['eq null', { path: 'note', op: 'eq', value: null }, true],
    ['eq missing', { path: 'nope', op: 'eq', value: null }, false],
    ['neq', { path: 'status', op: 'neq', value: 'open' }, true],
    ['neq missing field', { path: 'nope', op: 'neq', value: 'x' }, true],
    ['in', { path: 'customer.tier', op: 'in', value: ['silver', 'gold'] }, true],
    ['in miss', { path: 'customer.tier', op: 'in', value: ['silver'] }, false],
    ['in missing field', { path: 'nope', op: 'in', value: [null] }, false],
    ['nin', { path: 'customer.tier', op: 'nin', value: ['silver'] }, true],
    ['nin missing field', { path: 'nope', op: 'nin', value: ['x'] }, true],
    ['exists', { path: 'customer.tags.1', op: 'exists' }, true],
    ['exists null value', { path: 'note', op: 'exists' }, true],
    ['exists index out of range', { path: 'customer.tags.2', op: 'exists' }, false],
    ['exists false', { path: 'nope', op: 'exists', value: false }, true],
    ['array index', { path: 'items.0.sku', op: 'eq', value: 'A-1' }, true],
    ['non-decimal index', { path: 'items.00.sku', op: 'exists' }, false],
    ['segment list for dotted keys', { path: ['dotted.key'], op: 'eq', value: true }, true],
    ['gt number', { path: 'amount', op: 'gt', value: 100 }, true],
    ['lte number', { path: 'amount', op: 'lte', value: 119 }, false],
    ['gte ISO timestamp', { path: 'placedAt', op: 'gte', value: '2024-01-01T00:00:00Z' }, true],
    ['gt mixed types', { path: 'amount', op: 'gt', value: '1' }, false],
    ['gt missing', { path: 'nope', op: 'lt', value: 1 }, false],
    ['no prototype walk', { path: 'status.length', op: 'exists' }, false],
    ['no inherited keys', { path: 'customer.constructor', op: 'exists' }, false],
  ])('%s', (_name, condition, expected) => {
    expect(matches([condition])).toBe(expected);
  });

  it('ANDs the conditions', () => {
    expect(
      matches([
        { path: 'status', op: 'eq', value: 'paid' },
        { path: 'amount', op: 'gt', value: 100 },
      ]),
    ).toBe(true);
    expect(
      matches([
        { path: 'status', op: 'eq', value: 'paid' },
        { path: 'amount', op: 'gt', value: 500 },
      ]),
    ).toBe(false);
  });

  it('works on non-object payloads', () => {
    expect(matches([{ path: 'a', op: 'exists' }], 'text')).toBe(false);
    expect(matches([{ path: 'a', op: 'neq', value: 1 }], null)).toBe(true);
  });

  // fast-check deliberately generates "__proto__" keys; the schema refuses them (tested below), so the
  // properties draw only from JSON the schema accepts.
  const hasProtoKey = (value: unknown): boolean =>
    Array.isArray(value)
      ? value.some(hasProtoKey)
      : value !== null &&
        typeof value === 'object' &&
        Object.entries(value).some(([k, v]) => k === '__proto__' || hasProtoKey(v));
  const json = (fc.jsonValue() as fc.Arbitrary<JsonValue>).filter((value) => !hasProtoKey(value));
  const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !k.includes('.') && k !== '__proto__');

  it('property: a value placed at a path is found by eq/in/exists and rejected by neq/nin', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 4 }), json, (segments, value) => {
        const doc = segments.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value);
        const path = segments.join('.');
        expect(matches([{ path, op: 'eq', value }], doc)).toBe(true);
        expect(matches([{ path, op: 'in', value: [1, value] }], doc)).toBe(true);
        expect(matches([{ path, op: 'exists' }], doc)).toBe(true);
        expect(matches([{ path, op: 'neq', value }], doc)).toBe(false);
        expect(matches([{ path, op: 'nin', value: [value] }], doc)).toBe(false);
      }),
    );
  });

  it('refuses a condition value holding a "__proto__" key, however deep', () => {
    const poisoned = JSON.parse('{"a":[{"__proto__":{"polluted":true}}]}') as JsonValue;
    expect(() => filterConditionsSchema.parse([{ path: 'a', op: 'eq', value: poisoned }])).toThrow(
      /__proto__.*is not allowed/,
    );
    expect(() => filterConditionsSchema.parse([{ path: 'a', op: 'in', value: [poisoned] }])).toThrow(
      /__proto__.*is not allowed/,
    );
  });

  it('property: neq is the negation of eq, nin of in', () => {
    fc.assert(
      fc.property(json, key, json, (doc, path, value) => {
        expect(matches([{ path, op: 'neq', value }], doc)).toBe(!matches([{ path, op: 'eq', value }], doc));
        expect(matches([{ path, op: 'nin', value: [value] }], doc)).toBe(
          !matches([{ path, op: 'in', value: [value] }], doc),
        );
      }),
    );
  });
});

describe('Space Cloud rule filters', () => {
  const rule = (value: unknown) => payloadFilterSchema.parse(value);

  it('evaluates allow, deny, and, or, match', () => {
    expect(matchesFilter(rule({ rule: 'allow' }), payload)).toBe(true);
    expect(matchesFilter(rule({ rule: 'deny' }), payload)).toBe(false);
    const paid = { rule: 'match', eval: '==', type: 'string', f1: 'args.data.status', f2: 'paid' };
    const big = { rule: 'match', eval: '>', type: 'number', f1: 'args.data.amount', f2: 1000 };
    expect(matchesFilter(rule(paid), payload)).toBe(true);
    expect(matchesFilter(rule({ rule: 'and', clauses: [paid, big] }), payload)).toBe(false);
    expect(matchesFilter(rule({ rule: 'or', clauses: [paid, big] }), payload)).toBe(true);
    expect(matchesFilter(rule({ rule: 'and', clauses: [] }), payload)).toBe(true);
    expect(matchesFilter(rule({ rule: 'or', clauses: [] }), payload)).toBe(false);
    expect(
      matchesFilter(rule({ rule: 'match', eval: 'in', f1: 'args.data.customer.tier', f2: ['gold'] }), payload),
    ).toBe(true);
    expect(
      matchesFilter(rule({ rule: 'match', eval: 'notIn', f1: 'args.data.customer.tier', f2: ['gold'] }), payload),
    ).toBe(false);
    expect(matchesFilter(rule({ rule: 'match', eval: '!=', f1: 'args.data.missing', f2: 'x' }), payload)).toBe(true);
  });

  it('fails closed on rules it does not evaluate, and says so', () => {
    const query = { rule: 'query', db: 'db', col: 'users', find: {} };
    expect(matchesFilter(rule(query), payload)).toBe(false);
    expect(matchesFilter(rule({ rule: 'match', eval: 'toString', f1: 1, f2: 1 }), payload)).toBe(false);
    expect(filterWarnings(rule({ rule: 'or', clauses: [{ rule: 'allow' }, query] }))).toEqual([
      'Space Cloud rule "query" is not evaluated by Spaceport; this filter matches no event through it',
    ]);
    expect(filterWarnings(filterConditionsSchema.parse([]))).toEqual([]);
  });
});

describe('Space Cloud options', () => {
  it('requires every trigger option on the event with an equal value', () => {
    expect(matchesOptions(undefined, undefined)).toBe(true);
    expect(matchesOptions({}, null)).toBe(true);
    expect(matchesOptions({ db: 'a' }, { db: 'a', col: 'x' })).toBe(true);
    expect(matchesOptions({ db: 'a' }, { db: 'b' })).toBe(false);
    expect(matchesOptions({ db: 'a' }, undefined)).toBe(false);
    expect(matchesOptions({ toString: 'x' }, {})).toBe(false);
  });
});
