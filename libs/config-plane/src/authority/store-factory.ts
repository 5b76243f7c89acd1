import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type ConsulClient } from '@spaceport/consul-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type ConfigStore, FileConfigStore, formatOfPath, loadConsulConfigStore } from '@spaceport/config-store';
import { type Logger } from 'pino';
import { type ConfigPlaneSettings } from '../settings';

/** DI token of the authority's `ConfigStore` (file or Consul, by mode). */
export const CONFIG_AUTHORITY_STORE = Symbol.for('spaceport:config-authority-store');

const EMPTY_YAML =
  '# Spaceport configuration (standalone mode). Managed through the gateway API; hand edits are picked up.\nversion: 0\n';
const EMPTY_JSON = '{ "version": 0 }\n';

/** Creates an empty config file (mode 0600) when none exists, so operators find it where they expect. */
export function ensureConfigFile(path: string): boolean {
  const absolute = resolve(path);
  if (existsSync(absolute)) return false;
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, formatOfPath(absolute) === 'json' ? EMPTY_JSON : EMPTY_YAML, { mode: 0o600, flag: 'wx' });
  return true;
}

/** Standalone: FileConfigStore on `--config`/`CONFIG_PATH`. Distributed: ConsulConfigStore (loaded on demand). */
export async function createAuthorityStore(
  options: NodeOptions,
  consul: ConsulClient | null,
  settings: ConfigPlaneSettings,
  logger: Logger,
): Promise<ConfigStore> {
  if (options.enableConsul) {
    if (!consul) throw new Error('distributed mode without a Consul client');
    // Logged at most every few seconds: the watch backs off up to 5 s between attempts.
    const store = await loadConsulConfigStore(consul, {
      clusterId: options.clusterId,
      onUnavailable: (error, retryInMs) =>
        logger.warn(
          { err: error, retryInMs, source: store.source },
          'Consul unreachable: the last good config stays in force',
        ),
    });
    logger.info({ source: store.source }, 'config store: Consul KV');
    return store;
  }
  const path = resolve(settings.configPath);
  try {
    if (ensureConfigFile(path)) logger.info({ path }, 'created an empty config file');
  } catch (error) {
    logger.warn({ err: error, path }, 'could not create the config file; a missing file counts as empty config');
  }
  logger.info({ path }, 'config store: file');
  return new FileConfigStore(path);
}
