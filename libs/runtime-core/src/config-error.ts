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
