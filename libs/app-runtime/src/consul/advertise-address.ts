import { networkInterfaces } from 'node:os';
import { ConfigError } from '@spaceport/runtime-core';

/**
 * The address other instances reach this one at, as registered in Consul: `ADVERTISE_ADDR` when
 * set, else the bind address when it is a concrete one, else the first non-internal IPv4 address
 * of this host (a container's own address under docker compose).
 */
export function resolveAdvertiseAddress(env: NodeJS.ProcessEnv, bindHost: string): string {
  const given = env['ADVERTISE_ADDR']?.trim();
  if (given) {
    if (/[\s/]/.test(given))
      throw new ConfigError('ADVERTISE_ADDR', `expected a host name or IP address, got "${given}"`);
    return given;
  }
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return bindHost;
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}
