import { type ConsulClient } from '@spaceport/consul-core';
import { type ConsulConfigStore, type ConsulConfigStoreOptions } from './consul-config-store';

/**
 * A `ConsulConfigStore`, its module (and with it consul-core and the `consul` client) loaded on first
 * use: only a distributed config-service needs it, and a standalone one never loads Consul code.
 */
export async function loadConsulConfigStore(
  client: ConsulClient,
  options: ConsulConfigStoreOptions,
): Promise<ConsulConfigStore> {
  const { ConsulConfigStore } = await import('./consul-config-store');
  return new ConsulConfigStore(client, options);
}
