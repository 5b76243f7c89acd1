// A Redis connection the built apps refuse to start with (docs/configuration.md#redis-connection-every-app):
// exit code 2, one line on stderr naming the variable(s). Two forms at once are refused before anything
// connects; a list that contradicts what the listed servers say (real redis-server processes: a node not
// in cluster mode, an address that is no node of the cluster, a master name no sentinel monitors, an
// address that is no sentinel) is refused by the start-up check (checkRedisTopology).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppName,
  freePort,
  runAppToExit,
  useRedisCluster,
  useRedisSentinel,
  useRedisServer,
} from '@spaceport/testing';
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

  it('a Sentinel variable without REDIS_SENTINELS exits 2 naming it', async () => {
    const exit = await run('gateway', { REDIS_SENTINEL_NAME: 'spaceport' });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/invalid configuration: REDIS_SENTINEL_NAME: only applies with REDIS_SENTINELS/);
  });
});

/** The one stderr line of a refusal by the start-up check. */
const refusal = (app: AppName, variable: string): RegExp =>
  new RegExp(`^spaceport ${app}: invalid configuration: ${variable}: `);

describe('a Redis list the listed servers contradict', () => {
  const single = useRedisServer();
  const cluster = useRedisCluster({ masters: 3, replicasPerMaster: 0 });
  const sentinel = useRedisSentinel();

  it.each(APPS)('%s: REDIS_CLUSTER_NODES naming a node not in cluster mode exits 2', async (app) => {
    const node = `127.0.0.1:${single.redis.port}`;
    const exit = await run(app, { REDIS_CLUSTER_NODES: `${cluster.cluster.nodeAddresses},${node}` });
    expect(exit.code, exit.stdout).toBe(2);
    expect(exit.stderr.trim()).toMatch(refusal(app, 'REDIS_CLUSTER_NODES'));
    expect(exit.stderr).toContain(`${node} is not in cluster mode`);
  });

  it('REDIS_CLUSTER_NODES with an address that does not answer and is no node of the cluster exits 2', async () => {
    const stray = `127.0.0.1:${await freePort()}`;
    const exit = await run('event-worker', { REDIS_CLUSTER_NODES: `${cluster.cluster.nodeAddresses},${stray}` });
    expect(exit.code, exit.stdout).toBe(2);
    expect(exit.stderr.trim()).toMatch(refusal('event-worker', 'REDIS_CLUSTER_NODES'));
    expect(exit.stderr).toContain(`${stray} did not answer`);
  });

  it('REDIS_SENTINEL_NAME that no sentinel monitors exits 2, naming it', async () => {
    const exit = await run('gateway', {
      REDIS_SENTINELS: sentinel.sentinel.sentinelAddresses,
      REDIS_SENTINEL_NAME: 'not-the-master',
    });
    expect(exit.code, exit.stdout).toBe(2);
    expect(exit.stderr.trim()).toMatch(refusal('gateway', 'REDIS_SENTINEL_NAME'));
    expect(exit.stderr).toContain('no sentinel of REDIS_SENTINELS monitors a master named "not-the-master"');
  });

  it('REDIS_SENTINELS naming a data node instead of a sentinel exits 2, naming it', async () => {
    const exit = await run('config-service', {
      REDIS_SENTINELS: `127.0.0.1:${single.redis.port}`,
      REDIS_SENTINEL_NAME: sentinel.sentinel.masterName,
    });
    expect(exit.code, exit.stdout).toBe(2);
    expect(exit.stderr.trim()).toMatch(refusal('config-service', 'REDIS_SENTINELS'));
    expect(exit.stderr).toContain(`127.0.0.1:${single.redis.port} is not a Redis Sentinel`);
  });
});
