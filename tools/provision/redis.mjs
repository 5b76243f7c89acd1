// Provision a real Redis server: REDIS_SERVER_BIN if set, else redis-server on PATH, else
// Debian's redis-server package installed with apt-get (as root).
import { execFileSync, spawnSync } from 'node:child_process';

function which(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function versionOf(bin, name) {
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`${name}=${bin} does not run: ${run.error?.message ?? run.stderr}`);
  return run.stdout.trim();
}

/** @param {(line: string) => void} log */
export function ensureRedis(log) {
  if (process.env.REDIS_SERVER_BIN) {
    log(`redis: using REDIS_SERVER_BIN=${process.env.REDIS_SERVER_BIN} (${versionOf(process.env.REDIS_SERVER_BIN, 'REDIS_SERVER_BIN')})`);
    return process.env.REDIS_SERVER_BIN;
  }
  let bin = which('redis-server');
  if (!bin) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!which('apt-get') || !isRoot) {
      throw new Error('redis-server not found: install it (Debian: apt-get install redis-server) or set REDIS_SERVER_BIN.');
    }
    log('redis: installing Debian package redis-server…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    bin = which('redis-server');
    if (!bin) throw new Error('apt-get installed redis-server but it is not on PATH');
  }
  log(`redis: ${bin} (${versionOf(bin, 'redis-server')})`);
  return bin;
}
