#!/usr/bin/env node
// Make sure the real infrastructure is on this machine: Consul (built once, cached) and Redis.
// With --browser also Chromium (for the console's browser tests; `npm test` asks for it, `npm start` does not).
// Progress goes to stderr. With --print-env, prints CONSUL_BIN=…, REDIS_SERVER_BIN=… (CHROMIUM_BIN=…) to stdout.
import { ensureChromium } from './chromium.mjs';
import { ensureConsul } from './consul.mjs';
import { ensureRedis } from './redis.mjs';

const log = (line) => process.stderr.write(`[provision] ${line}\n`);

export function provision({ browser = false } = {}) {
  const env = { CONSUL_BIN: ensureConsul(log), REDIS_SERVER_BIN: ensureRedis(log) };
  return browser ? { ...env, CHROMIUM_BIN: ensureChromium(log) } : env;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const env = provision({ browser: process.argv.includes('--browser') });
    if (process.argv.includes('--print-env')) {
      for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
    }
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
