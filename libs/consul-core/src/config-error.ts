/**
 * A start-up configuration value is wrong. The message names the flag or variable and says what
 * is expected; apps print it and exit non-zero instead of starting half-configured.
 */
export class ConfigError extends Error {
  constructor(
    /** the flag or environment variable at fault, e.g. `CONSUL_HTTP_ADDR` or `--id` */
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'ConfigError';
  }
}

const TRUE = new Set(['1', 't', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'no', 'off']);

/** Parses a boolean the way Go's strconv.ParseBool (and so Consul's CLI) does, plus yes/no/on/off. */
export function parseBoolean(source: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(source, `expected a boolean (true/false, 1/0), got "${raw}"`);
}
