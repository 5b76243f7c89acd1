import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConfigMessageAuth, REJECTED_METRIC } from './config-message-auth';
import { type ConfigSigningKeys } from './signing-keys';

const keys: ConfigSigningKeys = { current: randomBytes(32), previous: undefined };
const CHANNEL = 'spaceport:c1:config:write';

function auth(now: () => number = Date.now, k = keys) {
  const registry = new Registry();
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  return { auth: new ConfigMessageAuth(k, 'c1', logger, registry, now), registry, lines };
}

async function rejected(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(REJECTED_METRIC)?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['reason']), v.value]));
}

describe('ConfigMessageAuth', () => {
  it('opens what a sealer sealed once; a replay, a forgery and an answer to another request are counted', async () => {
    const { auth: a, registry, lines } = auth();
    const sealer = a.sealer();
    const request = JSON.stringify(sealer.seal(CHANNEL, { pattern: CHANNEL, data: { op: 'put' }, id: 'r1' }));
    expect(a.open(CHANNEL, request)).toEqual({ pattern: CHANNEL, data: { op: 'put' }, id: 'r1' });
    expect(a.open(CHANNEL, request)).toBeUndefined();
    expect(a.open(CHANNEL, JSON.stringify({ pattern: CHANNEL, data: { op: 'put' }, id: 'r2' }))).toBeUndefined();
    const reply = JSON.stringify(sealer.seal(`${CHANNEL}.reply`, { id: 'r1', response: { ok: true } }, 'r2'));
    expect(a.open(`${CHANNEL}.reply`, reply, true)).toBeUndefined();
    const good = JSON.stringify(sealer.seal(`${CHANNEL}.reply`, { id: 'r3', response: { ok: true } }, 'r3'));
    expect(a.open(`${CHANNEL}.reply`, good, true)).toEqual({ id: 'r3', response: { ok: true } });
    expect(await rejected(registry)).toMatchObject({ replayed: 1, unsigned: 1, malformed: 1, 'bad-signature': 0 });
    expect(lines.join('')).not.toContain('put'); // logs name channel and reason, never content
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ channel: CHANNEL, reason: 'replayed' });
  });

  it('logs a flood of rejections once per reason per 10 s, counting every one', async () => {
    let now = 1_000_000;
    const { auth: a, registry, lines } = auth(() => now);
    for (let i = 0; i < 100; i += 1) a.open(CHANNEL, 'junk');
    expect(lines).toHaveLength(1);
    now += 10_000;
    a.open(CHANNEL, 'junk');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ suppressedSinceLastLog: 99 });
    expect((await rejected(registry))['unsigned']).toBe(101);
  });

  it('signs a stored copy for its key: any age opens, another key or a planted copy does not', () => {
    let now = 0;
    const { auth: a } = auth(() => now);
    const stored = a.sealStored('spaceport:c1:config:last-good', '{"version":3}');
    now = 365 * 24 * 3_600_000;
    expect(a.openStored('spaceport:c1:config:last-good', stored)).toBe('{"version":3}');
    expect(a.openStored('spaceport:c2:config:last-good', stored)).toBeUndefined();
    expect(a.openStored('spaceport:c1:config:last-good', '{"version":3}')).toBeUndefined();
    const other = auth(() => now, { current: randomBytes(32), previous: undefined }).auth;
    expect(other.openStored('spaceport:c1:config:last-good', stored)).toBeUndefined();
  });
});
