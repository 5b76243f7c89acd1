import { Gauge, type Registry } from 'prom-client';

/** What the config metrics read at scrape time. */
export interface ConfigFacts {
  /** the version served (mirror) or published (config-service); undefined before the first one */
  version: number | undefined;
  /** true while the config served may be outdated */
  stale: boolean;
  /** true while the last good config is held against a reset config store */
  storeReset: boolean;
}

/**
 * `spaceport_config_version`, `spaceport_config_stale` and `spaceport_config_store_reset`, read from `facts()` on each scrape
 * (nothing on the config path itself). No series before the first config.
 */
export function registerConfigMetrics(registry: Registry, facts: () => ConfigFacts): void {
  new Gauge({
    name: 'spaceport_config_version',
    help: 'Version of the config this instance serves (config-service: publishes)',
    registers: [registry],
    collect() {
      const { version } = facts();
      if (version === undefined) this.reset();
      else this.set(version);
    },
  });
  new Gauge({
    name: 'spaceport_config_stale',
    help: '1 while the config may be outdated: the config-service is silent or its store unreadable (config-service: its store is unreadable)',
    registers: [registry],
    collect() {
      const { version, stale } = facts();
      if (version === undefined) this.reset();
      else this.set(stale ? 1 : 0);
    },
  });
  new Gauge({
    name: 'spaceport_config_store_reset',
    help: '1 while the config store (Consul KV) looks reset and the last good config is held until an operator restores or accepts it',
    registers: [registry],
    collect() {
      const { version, storeReset } = facts();
      if (version === undefined) this.reset();
      else this.set(storeReset ? 1 : 0);
    },
  });
}
