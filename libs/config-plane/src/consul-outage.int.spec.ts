// Config plane while its store is away: the built apps (npm run build first) in distributed mode on a
// persistent Consul agent that is stopped and started again (its data kept), and a real redis-server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppStack,
  call,
  type LaunchedApp,
  projectBody,
  spaceCloudTrigger,
  useConsulAgent,
  useRedisServer,
  waitFor,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('Shop').secrets.apiTokens[0] ?? '';

describe('config plane with Consul stopped and restarted (persistent agent)', { timeout: 90_000 }, () => {
  const consul = useConsulAgent({ persistent: true });
  const redis = useRedisServer();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-config-consul-outage-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let authority: LaunchedApp;

  beforeAll(async () => {
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      consulAddr: consul.agent.httpAddr,
      clusterId: 'outage',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '200ms',
    });
    authority = await stack.launch('config-service', 'config-service');
    gateway = await stack.launch('gateway', 'gateway');
    await stack.waitForMirrors('the gateway holds a config', (s) => s.status === 'ready');
    expect((await call(gateway.url, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status).toBe(200);
    await stack.waitForMirrors('shop mirrored', (s) => s.config.projects['shop'] !== undefined);
  });
  afterAll(async () => {
    await stack?.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  });

  const readyz = async (app: LaunchedApp) => (await stack.readyzBody(app))!;

  it('serves the last good config and queues events while Consul is down, refuses config writes with 503, and heals', async () => {
    await consul.agent.process.stop(); // keeps the data dir
    await waitFor(async () => (await readyz(gateway)).body.error?.['consul'] !== undefined, {
      what: 'the gateway reports Consul down',
      timeoutMs: 10_000,
    });
    const gatewayReady = await readyz(gateway);
    expect(gatewayReady.httpStatus).toBe(503);
    expect(gatewayReady.body.details['config']?.status).toBe('up'); // the last good config keeps serving
    await waitFor(async () => (await readyz(authority)).body.error?.['config'] !== undefined, {
      what: 'the config-service reports its store unreadable',
      timeoutMs: 10_000,
    });

    expect((await call(gateway.url, 'GET', '/v1/config/projects/shop', ADMIN)).status).toBe(200);
    const queued = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROJECT_TOKEN}` },
      body: JSON.stringify({ type: 'order.paid', payload: { n: 1 } }),
    });
    expect(queued.status).toBe(202);
    const refused = await call(
      gateway.url,
      'POST',
      '/v1/config/projects/shop/eventing/triggers/while-down',
      ADMIN,
      spaceCloudTrigger('while-down', 'https://x.example.com'),
    );
    expect(refused.status).toBe(503);
    expect(JSON.stringify(refused.body)).toMatch(/unavailable/i);

    await consul.agent.start();
    await waitFor(
      async () => (await readyz(gateway)).httpStatus === 200 && (await readyz(authority)).httpStatus === 200,
      {
        what: 'every app ready again',
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    ).catch(async (error: unknown) => {
      console.log(JSON.stringify([await readyz(gateway), await readyz(authority)], null, 1));
      throw error;
    });
    const written = await waitFor(
      async () => {
        const res = await call(
          gateway.url,
          'POST',
          '/v1/config/projects/shop/eventing/triggers/after',
          ADMIN,
          spaceCloudTrigger('after', 'https://y.example.com'),
        );
        return res.status === 200 ? res : undefined;
      },
      { what: 'a config write accepted after the restart', timeoutMs: 10_000 },
    );
    expect(written.status).toBe(200);
    await stack.waitForMirrors(
      'the new trigger mirrored',
      (s) => s.config.projects['shop']?.triggers['after'] !== undefined && s.config.state === 'in-sync',
    );
    // the data survived the restart, and nothing of the refused write was stored
    expect(
      (await call(gateway.url, 'GET', '/v1/config/projects/shop/eventing/triggers/while-down', ADMIN)).status,
    ).toBe(404);
  });
});
