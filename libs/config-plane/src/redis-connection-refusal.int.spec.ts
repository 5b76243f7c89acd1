// One form of Redis connection at a time (docs/configuration.md#redis-connection-every-app): the built
// apps refuse to start — exit code 2, one line on stderr naming the variable(s) — with two forms at once,
// and with REDIS_CLUSTER_NODES until Redis Cluster has its key layout (issue 20). No Redis is needed: the
// settings are refused before anything connects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppName, runAppToExit } from '@spaceport/testing';
import { afterAll, describe, expect, it } from 'vitest';

const SECRET = 'never-in-a-message-0123';
const workDir = mkdtempSync(join(tmpdir(), 'spaceport-redis-refusal-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs the built app with `env` and waits (at most 15 s, then SIGKILL) for it to exit. */
const run = (app: AppName, env: Record<string, string>) => runAppToExit(app, workDir, env);

const APPS: AppName[] = ['gateway', 'config-service', 'event-worker'];

describe('a Redis connection the apps refuse at start-up', () => {
  it.each(APPS)('%s: two forms at once exit 2, naming both variables, no password repeated', async (app) => {
    const exit = await run(app, {
      REDIS_URL: `redis://app:${SECRET}@127.0.0.1:1`,
      REDIS_SENTINELS: '127.0.0.1:2',
      REDIS_SENTINEL_NAME: 'spaceport',
      REDIS_SENTINEL_PASSWORD: SECRET,
    });
    expect(exit.code).toBe(2);
    const lines = exit.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^spaceport ${app}: invalid configuration: REDIS_URL and REDIS_SENTINELS: choose one form`),
    );
    expect(exit.stderr + exit.stdout).not.toContain(SECRET);
  });

  it.each(APPS)('%s: REDIS_CLUSTER_NODES exits 2: Redis Cluster is not supported yet (issue 20)', async (app) => {
    const exit = await run(app, { REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', REDIS_PASSWORD: SECRET });
    expect(exit.code).toBe(2);
    expect(exit.stderr.trim()).toBe(
      `spaceport ${app}: invalid configuration: REDIS_CLUSTER_NODES: Redis Cluster is not supported yet (issue 20)`,
    );
    expect(exit.stdout).toBe('');
  });

  it('a Sentinel variable without REDIS_SENTINELS exits 2 naming it', async () => {
    const exit = await run('gateway', { REDIS_SENTINEL_NAME: 'spaceport' });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/invalid configuration: REDIS_SENTINEL_NAME: only applies with REDIS_SENTINELS/);
  });
});
