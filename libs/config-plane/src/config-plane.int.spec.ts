// Config plane end to end: the built apps (npm run build first) against a real Consul agent and a
// real redis-server, in distributed (Consul KV) and standalone (file) mode.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { parseDocument } from 'yaml';
import {
  type AppName,
  AppStack,
  call,
  consulBin,
  entryOf,
  killRedisClientsNamed,
  type LaunchedApp,
  type MirrorReadyz,
  projectBody,
  sleep,
  spaceCloudTrigger,
  useConsulAgent,
  useRedisServer,
  waitFor,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configApiContract } from './testing-fixtures/config-api-contract';

const ADMIN = 'admin-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const run = promisify(execFile);
const hasTrigger = (status: MirrorReadyz, project: string, id: string) =>
  status.config.projects[project]?.triggers[id] !== undefined;

beforeAll(() => {
  for (const app of ['gateway', 'config-service', 'event-worker'] as AppName[]) {
    if (!existsSync(entryOf(app))) throw new Error(`${entryOf(app)} missing: run \`npm run build\` first`);
  }
});

function stackSuite(
  mode: 'distributed' | 'standalone',
  consul: { readonly agent: { httpAddr: string } } | undefined,
  redis: { readonly redis: { url: string } },
) {
  const workDir = mkdtempSync(join(tmpdir(), `spaceport-config-plane-${mode}-`));
  let stack: AppStack;
  beforeAll(async () => {
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      ...(consul ? { consulAddr: consul.agent.httpAddr } : { configPath: join(workDir, 'spaceport.yaml') }),
      clusterId: 'c1',
      adminToken: ADMIN,
      readToken: READ,
      heartbeat: '200ms',
    });
    await stack.launch('config-service', 'config-service');
    await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
      stack.launch('event-worker', 'worker-2'),
    ]);
    await stack.waitForMirrors('every app holds a config', (s) => s.status === 'ready');
  });
  afterAll(async () => {
    await stack.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  });
  const byName = (name: string): LaunchedApp => {
    const app = stack.apps.find((a) => a.name === name);
    if (!app) throw new Error(`no app ${name}`);
    return app;
  };
  configApiContract({
    gatewayUrl: () => byName('gateway').url,
    adminToken: ADMIN,
    readToken: READ,
    awaitEverywhere: (project, id, present) =>
      stack.waitForMirrors(
        `trigger ${project}/${id} ${present ? 'everywhere' : 'gone'}`,
        (s) => hasTrigger(s, project, id) === present,
        5_000,
      ),
  });
  return { stack: () => stack, byName, workDir };
}

describe('config plane, distributed (Consul KV)', () => {
  const consul = useConsulAgent();
  const redis = useRedisServer();
  const suite = stackSuite('distributed', consul, redis);
  const kvUrl = (key: string) => `${consul.agent.httpAddr}/v1/kv/spaceport/c1/config/${key}`;
  const cliPut = (key: string, value: string) =>
    run(consulBin(), ['kv', 'put', `-http-addr=${consul.agent.httpAddr}`, `spaceport/c1/config/${key}`, value]);
  const gatewayGet = (path: string) => call(suite.byName('gateway').url, 'GET', `/v1/config/projects${path}`, ADMIN);

  it('stores what the API wrote in Consul KV (project delete removed the triggers in the same transaction)', async () => {
    const res = await fetch(`${kvUrl('projects/shop/triggers/order-paid')}?raw`);
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toMatchObject({ id: 'order-paid', type: 'order.paid' });
    expect((await fetch(kvUrl('projects/temp?recurse'))).status).toBe(404);
  });

  it('picks up a trigger written with the consul CLI in the gateway and every worker', async () => {
    await cliPut(
      'projects/shop/triggers/from-cli',
      JSON.stringify(spaceCloudTrigger('from-cli', 'https://cli.example.com/hook')),
    );
    await suite.stack().waitForMirrors('from-cli everywhere', (s) => hasTrigger(s, 'shop', 'from-cli'), 5_000);
    expect((await gatewayGet('/shop/eventing/triggers/from-cli')).body['result']).toMatchObject({
      url: 'https://cli.example.com/hook',
    });
  });

  it('rejects junk written straight into KV, logs it with the key, keeps the last good value', async () => {
    await cliPut('projects/shop/triggers/from-cli', '{not json');
    await cliPut('projects/shop/triggers/order-paid', JSON.stringify({ type: 'order.paid', url: 'not a url' }));
    const log = () => readFileSync(suite.byName('config-service').logFile, 'utf8');
    await waitFor(
      () =>
        log().includes('spaceport/c1/config/projects/shop/triggers/order-paid') &&
        log().includes('spaceport/c1/config/projects/shop/triggers/from-cli'),
      {
        what: 'rejections logged with their keys',
        timeoutMs: 5_000,
      },
    );
    expect(log()).not.toContain('not a url');
    expect((await gatewayGet('/shop/eventing/triggers/from-cli')).body['result']).toMatchObject({
      url: 'https://cli.example.com/hook',
    });
    expect((await gatewayGet('/shop/eventing/triggers/order-paid')).status).toBe(200);
    // a repair through the API is one read-modify-write: the version read is the junk's ModifyIndex
    const [junk] = (await (await fetch(kvUrl('projects/shop/triggers/order-paid'))).json()) as {
      ModifyIndex: number;
    }[];
    const read = await waitFor(
      async () => {
        const res = await gatewayGet('/shop/eventing/triggers/order-paid');
        return res.etag === `"${junk?.ModifyIndex}"` ? res : undefined;
      },
      { what: 'the junk version served', timeoutMs: 5_000 },
    );
    const repaired = await call(
      suite.byName('gateway').url,
      'POST',
      '/v1/config/projects/shop/eventing/triggers/order-paid',
      ADMIN,
      { ...(read.body['result'] as object), url: 'https://repaired.example.com' },
      read.etag ?? undefined,
    );
    expect(repaired.status, JSON.stringify(repaired.body)).toBe(200);
    await cliPut(
      'projects/shop/triggers/from-cli',
      JSON.stringify(spaceCloudTrigger('from-cli', 'https://fixed.example.com')),
    );
    await waitFor(
      async () =>
        ((await gatewayGet('/shop/eventing/triggers/from-cli')).body['result'] as { url: string }).url ===
        'https://fixed.example.com',
      { what: 'fixed value', timeoutMs: 5_000 },
    );
  });

  it('keeps serving while config-service is SIGKILLed, says so, and resyncs after its restart', async () => {
    const stack = suite.stack();
    const authority = suite.byName('config-service');
    const oldOrigin = (await stack.readyz(suite.byName('worker-1')))?.config.origin;
    await authority.proc.kill();
    await stack.waitForMirrors('mirrors report stale', (s) => s.config.state === 'stale', 5_000);
    expect((await gatewayGet('/shop')).status).toBe(200);
    const refused = await call(
      suite.byName('gateway').url,
      'POST',
      '/v1/config/projects/shop/eventing/triggers/while-down',
      ADMIN,
      spaceCloudTrigger('while-down', 'https://x.example.com'),
    );
    expect(refused.status).toBe(503);
    await cliPut(
      'projects/shop/triggers/while-down',
      JSON.stringify(spaceCloudTrigger('while-down', 'https://down.example.com')),
    );
    await stack.launch('config-service', 'config-service', authority.port);
    await stack.waitForMirrors(
      'resynced to the new origin',
      (s) => s.config.state === 'in-sync' && s.config.origin !== oldOrigin && hasTrigger(s, 'shop', 'while-down'),
      10_000,
    );
  });

  it('heals a publication a worker never received (its Redis connection killed while it was stopped)', async () => {
    const stack = suite.stack();
    const worker = suite.byName('worker-2');
    const admin = new Redis(redis.redis.url);
    const logBefore = readFileSync(worker.logFile, 'utf8').length;
    try {
      worker.proc.signal('SIGSTOP');
      expect(await killRedisClientsNamed(admin, 'spaceport:worker-2:config-mirror')).toBeGreaterThan(0);
      const written = await call(
        suite.byName('gateway').url,
        'POST',
        '/v1/config/projects/shop/eventing/triggers/missed',
        ADMIN,
        spaceCloudTrigger('missed', 'https://x.example.com'),
      );
      expect(written.status).toBe(200);
      await sleep(300);
    } finally {
      worker.proc.signal('SIGCONT');
      admin.disconnect();
    }
    await waitFor(
      async () => {
        const status = await stack.readyz(worker);
        return status !== undefined && hasTrigger(status, 'shop', 'missed');
      },
      { what: 'worker-2 healed', timeoutMs: 5_000, intervalMs: 20 },
    );
    // Which of the three heal paths wins is timing: the reconnect (ioredis retries after 250 ms), the
    // next heartbeat's seq, or — when the stop outlasted 3 heartbeats (600 ms here, easily reached
    // on a loaded CI box) — the silence detector's first tick after SIGCONT. Any of them heals; a
    // resync for another reason (no-snapshot, new-origin) would mean the missed publication went
    // unnoticed. Only lines after the stop count (the previous test's SIGKILL logged resyncs too).
    // The reconnect signal itself: transport/redis-transport.int.spec.ts.
    expect(readFileSync(worker.logFile, 'utf8').slice(logBefore)).toMatch(
      /"reason":"(reconnected|missed-publication|authority-silent)".*config resynchronised/,
    );
  });
});

describe('config plane, standalone (file)', () => {
  const redis = useRedisServer();
  const suite = stackSuite('standalone', undefined, redis);

  it('keeps the config in the YAML file', () => {
    const text = readFileSync(join(suite.workDir, 'spaceport.yaml'), 'utf8');
    expect(text).toContain('order-paid');
    expect(text).not.toContain('temp:');
  });

  it('picks up a hand edit of the file in every app', async () => {
    const path = join(suite.workDir, 'spaceport.yaml');
    const document = parseDocument(readFileSync(path, 'utf8'));
    document.setIn(['projects', 'hand'], {
      ...projectBody('Hand'),
      triggers: { edited: { type: 'a.b', url: 'https://hand.example.com' } },
    });
    writeFileSync(path, document.toString());
    await suite.stack().waitForMirrors('hand edit everywhere', (s) => hasTrigger(s, 'hand', 'edited'), 8_000);
  });
});
