// Provision a real Redis server: REDIS_SERVER_BIN if set, else redis-server on PATH, else
// Debian's redis-server package.
import { ensureDebianProgram } from './debian.mjs';

/** @param {(line: string) => void} log */
export function ensureRedis(log) {
  return ensureDebianProgram({
    command: 'redis-server',
    envVar: 'REDIS_SERVER_BIN',
    debianPackage: 'redis-server',
    log,
  });
}
