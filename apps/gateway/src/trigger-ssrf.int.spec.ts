// The SSRF guard at config time (docs/eventing.md#ssrf-guard), on built processes (config-service and
// gateway, file config store, real Redis): the config API refuses a trigger whose URL is, or resolves to, a
// loopback, private, link-local or metadata address with a 400 naming the address, unless allowlisted;
// a trigger of a project that does not exist says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppStack,
  call,
  type LaunchedApp,
  projectBody,
  spaceCloudTrigger,
  useRedisServer,
  waitFor,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const redis = useRedisServer();

async function startGateway(stack: AppStack, name: string): Promise<LaunchedApp> {
  const gateway = await stack.launch('gateway', name);
  await waitFor(async () => (await call(gateway.url, 'GET', '/v1/config/projects', ADMIN)).status === 200, {
    what: `${name} holding a config`,
    timeoutMs: 15_000,
  });
  return gateway;
}

describe('trigger URLs refused at config time (SSRF guard)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-ssrf-'));
  let strictStack: AppStack;
  let allowStack: AppStack;
  let strict: LaunchedApp;
  let allowing: LaunchedApp;

  beforeAll(async () => {
    const settings = {
      workDir,
      redisUrl: redis.redis.url,
      configPath: join(workDir, 'spaceport.yaml'),
      clusterId: 'ssrf',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
    };
    // one config-service; a gateway with the guard's defaults and one with an allowlist
    strictStack = new AppStack(settings);
    // the same cluster key: both gateways mirror the one config-service (docs/config-plane.md)
    allowStack = new AppStack({
      ...settings,
      signingKey: strictStack.signingKey,
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128' },
    });
    await strictStack.launch('config-service', 'config-service');
    strict = await startGateway(strictStack, 'gateway-strict');
    allowing = await startGateway(allowStack, 'gateway-allowing');
    expect((await call(strict.url, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await allowStack?.stopAll();
    await strictStack?.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  });

  const put = (gateway: LaunchedApp, id: string, url: string, project = 'shop') =>
    call(
      gateway.url,
      'POST',
      `/v1/config/projects/${project}/eventing/triggers/${id}`,
      ADMIN,
      spaceCloudTrigger(id, url),
    );

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['private', 'http://10.1.2.3/hook', '10.1.2.3'],
    ['link-local metadata', 'http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['IPv6 loopback', 'http://[::1]:9/x', '::1'],
    ['IPv4-mapped IPv6', 'http://[::ffff:192.168.0.1]/x', '::ffff:c0a8:1'],
  ])('refuses a %s address with a 400 naming it', async (_what, url, address) => {
    const res = await put(strict, 'bad', url);
    expect(res.status).toBe(400);
    const issues = res.body['issues'] as { field: string; message: string }[];
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('url');
    expect(issues[0]!.message).toContain(address);
    expect(issues[0]!.message).toContain('WEBHOOK_ALLOWED_CIDRS');
  });

  it('refuses a DNS name that resolves to 127.0.0.1 (no allowlist), naming the address', async () => {
    const res = await put(strict, 'by-name', 'http://localhost:8080/hook');
    expect(res.status).toBe(400);
    const [issue] = res.body['issues'] as { field: string; message: string }[];
    expect(issue?.field).toBe('url');
    expect(issue?.message).toMatch(/localhost resolves to a non-public address \((127\.0\.0\.1|::1)\)/);
    expect((await call(strict.url, 'GET', '/v1/config/projects/shop/eventing/triggers/by-name', ADMIN)).status).toBe(
      404,
    );
  });

  it('accepts public and unresolvable hosts, and what the allowlist allows', async () => {
    expect((await put(strict, 'public', 'https://93.184.216.34/hook')).status).toBe(200);
    expect((await put(strict, 'later', 'https://not-yet.invalid/hook')).status).toBe(200);
    expect((await put(allowing, 'local', 'http://localhost:8080/hook')).status).toBe(200);
    expect((await put(allowing, 'still-private', 'http://10.1.2.3/hook')).status).toBe(400);
  });

  it('says that the project is missing for a trigger of an unknown project', async () => {
    const res = await put(strict, 't1', 'https://93.184.216.34/hook', 'nope');
    expect(res.status).toBe(404);
    expect(res.body['error']).toBe('project "nope" does not exist: create it before its triggers');
  });
});
