import { ConfigError } from './config-error';

const TRUE = new Set(['1', 't', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'no', 'off']);

/** Parses a boolean the way Go's strconv.ParseBool (and so Consul's CLI) does, plus yes/no/on/off. */
export function parseBoolean(source: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(source, `expected a boolean (true/false, 1/0), got "${raw}"`);
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a Consul-style duration (`500ms`, `10s`, `1m`, `1h`, or a bare number of seconds) into ms. */
export function parseDurationMs(source: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new ConfigError(source, `expected a duration such as 500ms, 10s or 1m, got "${raw}"`);
  return Math.round(Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? 's'] ?? 1_000));
}
