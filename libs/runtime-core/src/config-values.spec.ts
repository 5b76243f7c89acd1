import { errorOf } from '@spaceport/testing';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { parseBoolean, parseDurationMs } from './config-values';

describe('parseBoolean', () => {
  it('reads the words Go and Consul read, any case, trimmed, plus yes/no/on/off', () => {
    for (const raw of ['1', 't', 'TRUE', ' yes ', 'on']) expect(parseBoolean('FLAG', raw)).toBe(true);
    for (const raw of ['0', 'f', 'False', 'no', 'OFF']) expect(parseBoolean('FLAG', raw)).toBe(false);
  });

  it('names the source in its ConfigError', () => {
    const error = errorOf(ConfigError, () => parseBoolean('ENABLE_CONSUL', 'maybe'));
    expect(error.source).toBe('ENABLE_CONSUL');
    expect(error.message).toBe('ENABLE_CONSUL: expected a boolean (true/false, 1/0), got "maybe"');
  });
});

describe('parseDurationMs', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    expect(parseDurationMs('D', '500ms')).toBe(500);
    expect(parseDurationMs('D', '1.5s')).toBe(1_500);
    expect(parseDurationMs('D', '2m')).toBe(120_000);
    expect(parseDurationMs('D', '1h')).toBe(3_600_000);
    expect(parseDurationMs('D', ' 10 ')).toBe(10_000);
  });

  it('rejects other text with a ConfigError naming the source', () => {
    for (const raw of ['', '-1s', '10 s', '1d', 'soon'])
      expect(errorOf(ConfigError, () => parseDurationMs('CONSUL_CHECK_TTL', raw)).source).toBe('CONSUL_CHECK_TTL');
  });
});
