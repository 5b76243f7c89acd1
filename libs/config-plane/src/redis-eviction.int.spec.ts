// An evicting Redis may drop a delivery's claim or sent record (a duplicate send) or a queued job (a
// loss) without a word, so every app refuses to start on one and reports it in /readyz while running
// (docs/operations.md, "Redis memory"). Real redis-server, the built config-service (it reaches Redis
// through the same probe as the gateway and the workers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStack, runAppToExit, useRedisServer, waitFor } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const redisHolder = useRedisServer();
const workDir = mkdtempSync(join(tmpdir(), 'spaceport-eviction-'));
let admin: Redis;
let stack: AppStack;

const setPolicy = (policy: string): Promise<unknown> => admin.config('SET', 'maxmemory-policy', policy);

beforeAll(() => {
  admin = new Redis(redisHolder.redis.url);
});

afterEach(async () => {
  await stack?.stopAll();
  await setPolicy('noeviction');
});

afterAll(() => {
  admin.disconnect();
  rmSync(workDir, { recursive: true, force: true });
});

function newStack(extraEnv: NodeJS.ProcessEnv = {}): AppStack {
  stack = new AppStack({
    workDir,
    redisUrl: redisHolder.redis.url,
    clusterId: 'eviction',
    configPath: join(workDir, 'spaceport.yaml'),
    adminToken: 'eviction-admin-token-0123456789',
    readToken: 'eviction-read-token-0123456789',
    heartbeat: '250ms',
    extraEnv,
  });
  return stack;
}

describe('an evicting Redis (maxmemory-policy other than noeviction)', () => {
  it('refuses start-up with exit 2 and one line that names the policy and the way out', async () => {
    await setPolicy('allkeys-lru');
    const exit = await runAppToExit('config-service', workDir, { REDIS_URL: redisHolder.redis.url });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(
      /spaceport config-service: invalid configuration: Redis maxmemory-policy: allkeys-lru may evict .*REDIS_ALLOW_EVICTION=true/,
    );
  });

  it('starts with REDIS_ALLOW_EVICTION=true and says so in /readyz', async () => {
    await setPolicy('allkeys-lru');
    const app = await newStack({ REDIS_ALLOW_EVICTION: 'true' }).launch('config-service', 'config-service-allowed');
    const redis = await waitFor(
      async () => {
        const check = (await stack.readyzBody(app))?.body.details['redis'];
        return check?.status === 'up' ? check : undefined;
      },
      { what: 'the redis check up' },
    );
    expect(redis).toMatchObject({ status: 'up', maxmemoryPolicy: 'allkeys-lru', evictionAllowed: true });
  });

  it('turns readiness down when the policy changes to an evicting one while running, and up when it is back', async () => {
    const app = await newStack().launch('config-service', 'config-service-running');
    const redisCheck = async () => (await stack.readyzBody(app))?.body.details['redis'];
    await waitFor(async () => (await redisCheck())?.status === 'up', { what: 'redis up' });
    expect(await redisCheck()).toMatchObject({ maxmemoryPolicy: 'noeviction', evictionAllowed: false });

    await setPolicy('volatile-lru');
    const down = await waitFor(
      async () => {
        const answer = await stack.readyzBody(app);
        return answer?.body.details['redis']?.status === 'down' ? answer : undefined;
      },
      { what: 'redis down on volatile-lru' },
    );
    expect(down.httpStatus).toBe(503);
    expect(down.body.details['redis']?.message).toMatch(/^Redis maxmemory-policy: volatile-lru may evict/);
    expect(down.body.details['redis']).toMatchObject({ maxmemoryPolicy: 'volatile-lru', evictionAllowed: false });
    expect(app.proc.running).toBe(true);

    await setPolicy('noeviction');
    await waitFor(async () => (await redisCheck())?.status === 'up', { what: 'redis up again' });
  });
});
