import { describe, expect, it } from 'vitest';
import { commandsPerEvent, commandTable } from './usage-counters';

describe('commandsPerEvent', () => {
  it('divides each command delta by the events and drops the ones below 0.01 per event', () => {
    const before = new Map([
      ['evalsha', 100],
      ['ping', 5],
    ]);
    const after = new Map([
      ['evalsha', 300],
      ['ping', 5],
      ['hset', 50],
    ]);
    expect([...commandsPerEvent(before, after, 100)]).toEqual([
      ['evalsha', 2],
      ['hset', 0.5],
    ]);
  });
});

describe('commandTable', () => {
  it('puts the paths side by side, sorted by the last path’s excess over the first, with totals', () => {
    const raw = new Map([
      ['evalsha', 10],
      ['hset', 1],
    ]);
    const spaceport = new Map([
      ['evalsha', 12],
      ['hset', 1],
      ['zadd', 3],
    ]);
    expect(
      commandTable([
        ['raw', raw],
        ['Spaceport', spaceport],
      ]).split('\n'),
    ).toEqual([
      '| command | raw | Spaceport | Spaceport − raw |',
      '|---|---|---|---|',
      '| zadd | 0.00 | 3.00 | 3.00 |',
      '| evalsha | 10.00 | 12.00 | 2.00 |',
      '| hset | 1.00 | 1.00 | 0.00 |',
      '| total | 11.00 | 16.00 | 5.00 |',
    ]);
  });
});
