// The three apps' real built entries (`node dist/apps/<app>/src/main.js`), started as processes on
// free loopback ports: identity, /healthz, JSON logs, configuration errors and graceful stop.
// `npm test` builds before vitest; run `npm run build` first when running this file alone.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedProcess, freePort, newSigningKey, sleep, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const APPS = ['gateway', 'config-service', 'event-worker'] as const;
type App = (typeof APPS)[number];

const root = resolve(__dirname, '../../..');
const entry = (app: App): string => join(root, 'dist', 'apps', app, 'src', 'main.js');
const workDir = mkdtempSync(join(tmpdir(), 'spaceport-apps-'));
const started: ManagedProcess[] = [];
const consul = useConsulAgent();
const startupMs: Partial<Record<App, number[]>> = {};
/** the cluster key of this file's apps (CONFIG_SIGNING_KEY) */
const signingKey = newSigningKey();

interface Launched {
  proc: ManagedProcess;
  port: number;
  logFile: string;
}

function launch(app: App, args: string[], env: Record<string, string>, port: number): Launched {
  const logFile = join(workDir, `${app}-${port}.log`);
  const proc = new ManagedProcess({
    name: `${app}:${port}`,
    command: process.execPath,
    args: [entry(app), ...args],
    // A clean environment, so a developer's NODE_ID or ENABLE_CONSUL cannot leak in.
    // CONFIG_PATH in the temp dir: a standalone config-service creates its file there, not in the repo.
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      CONFIG_PATH: join(workDir, `${app}-${port}.yaml`),
      CONFIG_SIGNING_KEY: signingKey,
      ...env,
    },
    cwd: root,
    logFile,
  });
  started.push(proc);
  proc.start();
  return { proc, port, logFile };
}

async function launchHealthy(
  app: App,
  args: string[],
  env: Record<string, string> = {},
): Promise<Launched & { health: unknown }> {
  const port = await freePort();
  const t0 = performance.now();
  const launched = launch(app, args, env, port);
  const health = await waitFor(
    async () => {
      if (!launched.proc.running) return { exited: launched.proc.exitCode };
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return res.status === 200 ? { body: (await res.json()) as unknown } : undefined;
    },
    { what: `${app} /healthz on port ${port}`, timeoutMs: 20_000, intervalMs: 25 },
  );
  if (!('body' in health))
    throw new Error(`${app} exited with ${health.exited} before serving /healthz:\n${launched.proc.logTail()}`);
  (startupMs[app] ??= []).push(Math.round(performance.now() - t0));
  return { ...launched, health: health.body };
}

function logLines(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

function jsonLines(logFile: string): Record<string, unknown>[] {
  return logLines(logFile).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function exitWithin(proc: ManagedProcess, ms: number): Promise<number> {
  const t0 = performance.now();
  const gone = await Promise.race([proc.waitForExit().then(() => true), sleep(ms).then(() => false)]);
  if (!gone) throw new Error(`${proc.name} still running after ${ms} ms:\n${proc.logTail()}`);
  return performance.now() - t0;
}

beforeAll(() => {
  const missing = APPS.filter((app) => !existsSync(entry(app)));
  if (missing.length > 0) {
    throw new Error(
      `built entries missing for ${missing.join(', ')} (${entry(missing[0] ?? 'gateway')}): run \`npm run build\` first`,
    );
  }
});

afterEach(async (context) => {
  const failed = context.task.result?.state === 'fail';
  for (const proc of started.splice(0)) {
    if (failed) console.error(`---- ${proc.name} log ----\n${proc.logTail(40)}\n---- end ----`);
    await proc.stop(2_000);
  }
});

afterAll(() => {
  console.info(`start-up to /healthz (ms): ${JSON.stringify(startupMs)}`);
  rmSync(workDir, { recursive: true, force: true });
});

describe.each(APPS)('%s (built entry)', (app) => {
  it('serves /healthz with the --id given (flag beats NODE_ID), logs JSON lines, exits 0 on SIGTERM', async () => {
    const { proc, port, logFile, health } = await launchHealthy(app, ['--id', `${app}-flag`], {
      NODE_ID: `${app}-env`,
    });
    expect(health).toEqual({ status: 'ok', role: app, nodeId: `${app}-flag`, mode: 'standalone' });

    const lines = jsonLines(logFile);
    expect(lines[0]).toMatchObject({ nodeId: `${app}-flag`, role: app });
    for (const line of lines) expect(line).toMatchObject({ nodeId: `${app}-flag`, role: app });
    const startLines = lines.filter((line) => line['msg'] === `spaceport ${app} started`);
    expect(startLines).toHaveLength(1);
    expect(startLines[0]).toMatchObject({
      level: 'info',
      nodeIdGenerated: false,
      mode: 'standalone',
      host: '127.0.0.1',
      port,
    });

    proc.signal('SIGTERM');
    const stopMs = await exitWithin(proc, 5_000);
    expect(proc.exitCode).toBe(0);
    expect(stopMs).toBeLessThan(3_000);
    expect(jsonLines(logFile).map((line) => line['msg'])).toContain('stopped');
  });

  it('generates its own id when none is given and reports distributed mode with ENABLE_CONSUL=true', async () => {
    const { proc, logFile, health } = await launchHealthy(app, [], {
      ENABLE_CONSUL: 'true',
      CONSUL_HTTP_ADDR: consul.agent.httpAddr,
    });
    expect(health).toMatchObject({ status: 'ok', role: app, mode: 'distributed' });
    const nodeId = (health as { nodeId: string }).nodeId;
    expect(nodeId).toMatch(new RegExp(`^${app}-[0-9a-f]{12}$`));
    const start = jsonLines(logFile).find((line) => line['msg'] === `spaceport ${app} started`);
    expect(start).toMatchObject({ nodeId, nodeIdGenerated: true, mode: 'distributed' });

    proc.signal('SIGINT');
    await exitWithin(proc, 5_000);
    expect(proc.exitCode).toBe(0);
  });

  it('exits 2 with one message naming ENABLE_CONSUL when it is not a boolean', async () => {
    const { proc, logFile } = launch(app, ['--id', 'x'], { ENABLE_CONSUL: 'maybe' }, await freePort());
    await exitWithin(proc, 10_000);
    expect(proc.exitCode).toBe(2);
    const output = logLines(logFile);
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(new RegExp(`^spaceport ${app}: invalid configuration: ENABLE_CONSUL: .*"maybe"`));
  });
});

interface HealthEntry {
  Service: { ID: string; Service: string; Tags: string[]; Address: string; Port: number };
  Checks: { CheckID: string; Status: string }[];
}

async function healthyInstances(service: string): Promise<HealthEntry[]> {
  const res = await fetch(`${consul.agent.httpAddr}/v1/health/service/${service}?passing=true`);
  return (await res.json()) as HealthEntry[];
}

describe.each(APPS)('%s in distributed mode (real Consul agent)', (app) => {
  it('registers itself with role and cluster tags and a passing TTL check, and deregisters on SIGTERM', async () => {
    const nodeId = `${app}-registered`;
    const { proc, port } = await launchHealthy(app, ['--id', nodeId, '--enable-consul', '--cluster', 'blue'], {
      CONSUL_HTTP_ADDR: consul.agent.httpAddr,
    });
    const [entry] = await waitFor(
      async () => {
        const found = (await healthyInstances('space-cloud')).filter((e) => e.Service.ID === nodeId);
        return found.length > 0 ? found : undefined;
      },
      { what: `${nodeId} passing in Consul`, timeoutMs: 10_000 },
    );
    expect(entry?.Service).toMatchObject({ Service: 'space-cloud', Address: '127.0.0.1', Port: port });
    expect(entry?.Service.Tags).toEqual(expect.arrayContaining([`role:${app}`, 'cluster:blue']));
    expect(entry?.Checks.find((c) => c.CheckID === `service:${nodeId}`)?.Status).toBe('passing');

    proc.signal('SIGTERM');
    await exitWithin(proc, 5_000);
    expect(proc.exitCode).toBe(0);
    const catalog = await fetch(`${consul.agent.httpAddr}/v1/agent/services`);
    expect(Object.keys((await catalog.json()) as Record<string, unknown>)).not.toContain(nodeId);
  });

  it('does not register with --no-register', async () => {
    const nodeId = `${app}-unregistered`;
    const { proc } = await launchHealthy(
      app,
      ['--id', nodeId, '--enable-consul', '--no-register', '--service-name', `svc-${app}`],
      {
        CONSUL_HTTP_ADDR: consul.agent.httpAddr,
      },
    );
    await sleep(500);
    const services = (await (await fetch(`${consul.agent.httpAddr}/v1/agent/services`)).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(services)).not.toContain(nodeId);
    proc.signal('SIGTERM');
    await exitWithin(proc, 5_000);
  });
});

describe('standalone mode loads no Consul code', () => {
  const preload = join(root, 'libs/app-runtime/src/testing-fixtures/loaded-modules-preload.mjs');
  const CONSUL_CODE = /[\\/](dist[\\/]libs[\\/]consul-core|node_modules[\\/]consul)[\\/]/;

  /** The modules `app` loaded from start to a graceful stop, with `args` and `env`. */
  async function loadedModules(app: App, args: string[], env: Record<string, string>): Promise<string[]> {
    const file = join(workDir, `${app}-modules-${Date.now()}.txt`);
    const { proc } = await launchHealthy(app, args, {
      ...env,
      NODE_OPTIONS: `--import ${preload}`,
      LOADED_MODULES_FILE: file,
    });
    proc.signal('SIGTERM');
    await exitWithin(proc, 5_000);
    return readFileSync(file, 'utf8').split('\n');
  }

  it.each(APPS)('%s: neither consul-core nor the consul client is loaded', async (app) => {
    const modules = await loadedModules(app, ['--id', `${app}-standalone`], {});
    expect(modules.some((path) => path.includes(join('dist', 'apps', app)))).toBe(true);
    expect(modules.filter((path) => CONSUL_CODE.test(path))).toEqual([]);
  });

  it('while a distributed gateway does load them (the check sees Consul code where it is)', async () => {
    const modules = await loadedModules('gateway', ['--id', 'gateway-distributed', '--enable-consul'], {
      CONSUL_HTTP_ADDR: consul.agent.httpAddr,
    });
    expect(modules.filter((path) => CONSUL_CODE.test(path)).length).toBeGreaterThan(0);
  });
});

describe('bad Consul settings', () => {
  it('refuses to start when CONSUL_CLIENT_CERT comes without CONSUL_CLIENT_KEY, naming the variable', async () => {
    const { proc, logFile } = launch(
      'gateway',
      ['--enable-consul'],
      { CONSUL_CLIENT_CERT: '/nonexistent/cert.pem' },
      await freePort(),
    );
    await exitWithin(proc, 10_000);
    expect(proc.exitCode).toBe(2);
    expect(logLines(logFile).join('\n')).toMatch(/invalid configuration: CONSUL_CLIENT_(CERT|KEY)/);
  });

  it('refuses to start an event-worker with a malformed CLUSTER_LOCK_DELAY, naming the variable', async () => {
    const { proc, logFile } = launch(
      'event-worker',
      ['--enable-consul'],
      { CONSUL_HTTP_ADDR: consul.agent.httpAddr, CLUSTER_LOCK_DELAY: 'soon' },
      await freePort(),
    );
    await exitWithin(proc, 10_000);
    expect(proc.exitCode).toBe(2);
    expect(logLines(logFile).join('\n')).toMatch(/invalid configuration: CLUSTER_LOCK_DELAY: /);
  });
  it.each(['gateway', 'event-worker'] as const)(
    'refuses to start a %s with a malformed EVENTING_CONCURRENCY before Nest starts, naming the variable',
    async (app) => {
      const { proc, logFile } = launch(app, ['--id', 'x'], { EVENTING_CONCURRENCY: 'lots' }, await freePort());
      await exitWithin(proc, 10_000);
      expect(proc.exitCode).toBe(2);
      const output = logLines(logFile);
      expect(output).toHaveLength(1);
      expect(output[0]).toMatch(new RegExp(`^spaceport ${app}: invalid configuration: EVENTING_CONCURRENCY: `));
    },
  );
});
