// `npm run demo` and `npm run worker` against a running stack of the built apps (distributed mode,
// real Consul and Redis, the built demo receiver), found through a stack state file as `npm start`
// writes it: the demo seeds, queues and waits (twice: it is idempotent) and every delivery arrives
// signed; a worker added by `npm run worker` takes partitions and gives them back on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppStack,
  freePort,
  type LaunchedApp,
  ManagedProcess,
  ROOT,
  useConsulAgent,
  useRedisServer,
  waitFor,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBalancedOver, readCluster } from '../../apps/event-worker/src/testing-fixtures/cluster-probe';
import { DEFAULT_DEMO_WEBHOOK_SECRET } from '../demo/demo-defaults.mjs';
import { workerEnvOf, writeStackState } from './stack-state.mjs';

const ADMIN = 'admin-token-0123456789abcdef';
const CLUSTER = 'localstack';
const consul = useConsulAgent();
const redis = useRedisServer();

interface Received {
  total: number;
  deliveries: { verified: boolean; type: string | null; status: number }[];
}

describe('npm run demo / npm run worker against a running stack', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-local-stack-'));
  const stateFile = join(workDir, 'state.json');
  let stack: AppStack;
  let gateway: LaunchedApp;
  let receiver: ManagedProcess;
  let receiverUrl = '';

  const runNode = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(ROOT, script), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', SPACEPORT_STACK_STATE: stateFile, ADMIN_TOKEN: ADMIN, ...env },
    });
  const received = async (): Promise<Received> => (await (await fetch(`${receiverUrl}/received`)).json()) as Received;

  beforeAll(async () => {
    const receiverPort = await freePort();
    receiverUrl = `http://127.0.0.1:${receiverPort}`;
    receiver = new ManagedProcess({
      name: 'demo-receiver',
      command: process.execPath,
      args: [join(ROOT, 'dist/apps/demo-receiver/src/main.js')],
      cwd: workDir,
      logFile: join(workDir, 'demo-receiver.log'),
      env: {
        PATH: process.env['PATH'] ?? '',
        HOST: '127.0.0.1',
        PORT: String(receiverPort),
        WEBHOOK_SECRET: DEFAULT_DEMO_WEBHOOK_SECRET,
      },
    });
    receiver.start();
    const appEnv = { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' };
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: CLUSTER,
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
      extraEnv: appEnv,
    });
    await stack.launch('config-service', 'config-service');
    [gateway] = await Promise.all([stack.launch('gateway', 'gateway'), stack.launch('event-worker', 'event-worker-1')]);
    await waitFor(async () => (await fetch(`${receiverUrl}/healthz`).catch(() => undefined))?.status === 200, {
      what: 'demo receiver',
      timeoutMs: 10_000,
    });
    // as `npm start` writes it; pid = this process, which is alive for the duration of the suite
    const signingKeyFile = join(workDir, 'config-signing.key');
    writeFileSync(signingKeyFile, `${stack.signingKey}\n`, { mode: 0o600 });
    writeStackState(stateFile, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      mode: 'distributed',
      gatewayUrl: gateway.url,
      demoReceiverUrl: receiverUrl,
      consulUrl: consul.agent.httpAddr,
      redisTopology: 'single',
      redisUrl: redis.redis.url,
      clusterId: CLUSTER,
      workers: 1,
      adminToken: 'ADMIN_TOKEN',
      signingKeyFile,
      workerEnv: {
        ...workerEnvOf({
          HOST: '127.0.0.1',
          REDIS_URL: redis.redis.url,
          ENABLE_CONSUL: 'true',
          CONSUL_HTTP_ADDR: consul.agent.httpAddr,
          CLUSTER_ID: CLUSTER,
          ...appEnv,
        }),
        CONSUL_CHECK_TTL: '3s',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.stop(3_000);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('npm run demo seeds, queues K events and waits until all are processed; a second run works too', async () => {
    const first = runNode('tools/demo/demo.mjs', ['--events', '5', '--timeout', '30']);
    expect(first.status, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('5/5 event(s) processed');
    expect(first.stdout).toContain(`${receiverUrl}/received`);
    const second = runNode('tools/demo/demo.mjs', ['--events', '3', '--timeout', '30']);
    expect(second.status, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toContain('3/3 event(s) processed');
    const view = await received();
    expect(view.total).toBe(8);
    expect(view.deliveries.every((d) => d.verified && d.type === 'demo.ping' && d.status === 204)).toBe(true);
  });

  it('npm run demo says where the admin token is wrong', () => {
    const refused = runNode('tools/demo/demo.mjs', ['--events', '1'], { ADMIN_TOKEN: 'wrong-token-0123456789abcdef' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/create project: 401, the gateway refused ADMIN_TOKEN/);
  });

  it('npm run worker joins the cluster (partitions rebalance onto it) and Ctrl-C takes it out again', async () => {
    const added = new ManagedProcess({
      name: 'npm-run-worker',
      command: process.execPath,
      args: [join(ROOT, 'tools/stack/worker.mjs'), '--id', 'event-worker-x1'],
      cwd: ROOT,
      logFile: join(workDir, 'worker.log'),
      env: { PATH: process.env['PATH'] ?? '', SPACEPORT_STACK_STATE: stateFile },
    });
    added.start();
    try {
      await waitFor(
        async () => {
          const view = await readCluster(gateway.url, ADMIN);
          return view !== undefined && isBalancedOver(view, ['event-worker-1', 'event-worker-x1']);
        },
        { what: `balanced over both workers; worker log:\n${added.logTail()}`, timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(added.logTail()).toContain('event-worker-x1 \x1b[0m| {'); // prefixed JSON log lines of the worker
      added.signal('SIGINT');
      await added.waitForExit();
      expect(added.exitCode).toBe(0);
      await waitFor(
        async () => {
          const view = await readCluster(gateway.url, ADMIN);
          return view !== undefined && isBalancedOver(view, ['event-worker-1']);
        },
        { what: 'every partition back on event-worker-1', timeoutMs: 30_000, intervalMs: 100 },
      );
    } finally {
      await added.stop(3_000);
    }
  });

  it('npm run worker without a running stack exits 1 and says to start one', () => {
    const result = runNode('tools/stack/worker.mjs', [], { SPACEPORT_STACK_STATE: join(workDir, 'absent.json') });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no local stack is running: start one with `npm start`/);
  });
});
