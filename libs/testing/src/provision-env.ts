import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Makes sure the real infrastructure is on this machine (`tools/provision/provision.mjs`: Consul built
 * once and cached, Redis, with `browser` also Chromium) and puts the paths it prints (CONSUL_BIN,
 * REDIS_SERVER_BIN, CHROMIUM_BIN) into process.env, for the test workers and the benchmarks.
 */
export function provisionIntoEnv(options: { browser?: boolean } = {}): void {
  const script = resolve(__dirname, '../../../tools/provision/provision.mjs');
  const args = [script, ...(options.browser ? ['--browser'] : []), '--print-env'];
  const output = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) process.env[line.slice(0, eq)] = line.slice(eq + 1);
  }
}
