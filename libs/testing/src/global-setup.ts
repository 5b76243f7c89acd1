import { provisionIntoEnv } from './provision-env';

/**
 * Vitest globalSetup for the integration project: makes sure real Consul, Redis and Chromium binaries
 * are on this machine (builds/installs them when missing, instant when cached) and hands their paths
 * to the test workers through CONSUL_BIN, REDIS_SERVER_BIN and CHROMIUM_BIN.
 */
export default function setup(): void {
  provisionIntoEnv({ browser: true });
}
