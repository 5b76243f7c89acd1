#!/usr/bin/env node
// Make sure the real infrastructure is on this machine: Consul (built once, cached) and Redis.
// Progress goes to stderr. With --print-env, prints CONSUL_BIN=… and REDIS_SERVER_BIN=… to stdout.
import { ensureConsul } from './consul.mjs';
import { ensureRedis } from './redis.mjs';

const log = (line) => process.stderr.write(`[provision] ${line}\n`);

export function provision() {
  return { CONSUL_BIN: ensureConsul(log), REDIS_SERVER_BIN: ensureRedis(log) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const env = provision();
    if (process.argv.includes('--print-env')) {
      for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
    }
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
