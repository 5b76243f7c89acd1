import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Vitest globalSetup for the integration project: makes sure real Consul, Redis and Chromium binaries
 * are on this machine (builds/installs them when missing, instant when cached) and hands their paths
 * to the test workers through CONSUL_BIN, REDIS_SERVER_BIN and CHROMIUM_BIN.
 */
export default function setup(): void {
  const script = resolve(__dirname, '../../../tools/provision/provision.mjs');
  const output = execFileSync(process.execPath, [script, '--browser', '--print-env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) process.env[line.slice(0, eq)] = line.slice(eq + 1);
  }
}
