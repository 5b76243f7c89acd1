// Launches the built apps (dist/apps/<app>/src/main.js) as real processes for end-to-end tests and
// benchmarks, each with its log in `workDir`. Build first: `npm run build`.
import { join, resolve } from 'node:path';
import { call, projectBody, spaceCloudTrigger } from './config-api-client';
import { ManagedProcess } from './managed-process';
import { freePort } from './ports';
import { newSigningKey } from './signing-key';
import { waitFor } from './wait';

export type AppName = 'gateway' | 'config-service' | 'event-worker';

export const ROOT = resolve(__dirname, '../../..');
export const entryOf = (app: AppName): string => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');

export interface StackSettings {
  workDir: string;
  /** one Redis: the apps get `REDIS_URL` (unless `redisSentinel` is set) */
  redisUrl?: string;
  /** a Sentinel topology instead: the apps get `REDIS_SENTINELS` and `REDIS_SENTINEL_NAME`, no `REDIS_URL` */
  redisSentinel?: { sentinelAddresses: string; masterName: string };
  /** a Redis Cluster instead: the apps get `REDIS_CLUSTER_NODES`, no `REDIS_URL` */
  redisCluster?: { nodeAddresses: string };
  /** set → distributed mode against this agent */
  consulAddr?: string;
  clusterId: string;
  configPath?: string;
  adminToken: string;
  readToken: string;
  heartbeat: string;
  /** default info; the benchmark uses debug ("config applied" lines) */
  logLevel?: string;
  /** distributed mode: register instances in Consul (the cluster needs it); default false */
  register?: boolean;
  /** more environment for every app, e.g. WEBHOOK_ALLOWED_CIDRS */
  extraEnv?: NodeJS.ProcessEnv;
  /** `CONFIG_SIGNING_KEY` of every app; default: a new one per stack (`signingKey` reads it) */
  signingKey?: string;
}

export interface LaunchedApp {
  name: string;
  app: AppName;
  port: number;
  proc: ManagedProcess;
  logFile: string;
  url: string;
}

/** The `config` check of a mirror's `/readyz` (its details are the mirror status). */
export interface MirrorReadyz {
  /** the config check alone: ready once a config is held (also while stale), else waiting */
  status: 'ready' | 'waiting';
  /** terminus' overall status of every check: ok, error (some check down) or shutting_down */
  readiness: ReadyzBody['status'];
  config: {
    state: string;
    version?: number;
    origin?: string;
    seq?: number;
    sourceAvailable: boolean;
    projects: Record<string, { version: number; triggers: Record<string, number> }>;
  };
}

/** One check of the terminus `/readyz` body. */
export type ReadyzCheck = { status: 'up' | 'down'; message?: string } & Record<string, unknown>;

/** The terminus body of `GET /readyz` (200 and 503 alike). */
export interface ReadyzBody {
  status: 'ok' | 'error' | 'shutting_down';
  info?: Record<string, ReadyzCheck>;
  error?: Record<string, ReadyzCheck>;
  details: Record<string, ReadyzCheck>;
}

export class AppStack {
  readonly apps: LaunchedApp[] = [];
  /** the cluster key every app of this stack gets as `CONFIG_SIGNING_KEY` */
  readonly signingKey: string;

  constructor(readonly settings: StackSettings) {
    const forms = [settings.redisUrl, settings.redisSentinel, settings.redisCluster].filter((f) => f !== undefined);
    if (forms.length > 1) throw new Error('StackSettings: one of redisUrl, redisSentinel, redisCluster');
    this.signingKey = settings.signingKey ?? newSigningKey();
  }

  private env(port: number, nodeId: string): NodeJS.ProcessEnv {
    const s = this.settings;
    return {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ID: nodeId,
      CLUSTER_ID: s.clusterId,
      ...(s.redisSentinel
        ? { REDIS_SENTINELS: s.redisSentinel.sentinelAddresses, REDIS_SENTINEL_NAME: s.redisSentinel.masterName }
        : s.redisCluster
          ? { REDIS_CLUSTER_NODES: s.redisCluster.nodeAddresses }
          : { REDIS_URL: s.redisUrl }),
      ADMIN_TOKEN: s.adminToken,
      ADMIN_READ_TOKEN: s.readToken,
      CONFIG_SIGNING_KEY: this.signingKey,
      CONFIG_HEARTBEAT_INTERVAL: s.heartbeat,
      LOG_LEVEL: s.logLevel ?? 'info',
      ...(s.consulAddr
        ? { ENABLE_CONSUL: 'true', CONSUL_HTTP_ADDR: s.consulAddr, CONSUL_REGISTER: s.register ? 'true' : 'false' }
        : {}),
      ...(s.configPath ? { CONFIG_PATH: s.configPath } : {}),
      ...s.extraEnv,
    };
  }

  /** Starts `app` as `name` and waits for /healthz; `env` overrides the stack's environment for this one. */
  async launch(app: AppName, name: string, port?: number, env?: NodeJS.ProcessEnv): Promise<LaunchedApp> {
    const chosen = port ?? (await freePort());
    const logFile = join(this.settings.workDir, `${name}.log`);
    const proc = new ManagedProcess({
      name,
      command: process.execPath,
      args: [entryOf(app)],
      env: { ...this.env(chosen, name), ...env },
      cwd: this.settings.workDir,
      logFile,
    });
    proc.start();
    const launched: LaunchedApp = { name, app, port: chosen, proc, logFile, url: `http://127.0.0.1:${chosen}` };
    const existing = this.apps.findIndex((a) => a.name === name);
    if (existing >= 0) this.apps.splice(existing, 1, launched);
    else this.apps.push(launched);
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`${name} exited with ${proc.exitCode}:\n${proc.logTail()}`);
        const res = await fetch(`${launched.url}/healthz`).catch(() => undefined);
        return res?.status === 200;
      },
      { what: `${name} /healthz`, timeoutMs: 20_000, intervalMs: 25 },
    );
    return launched;
  }

  /** `GET /readyz` with the admin token: HTTP status and terminus body; undefined when unreachable or not 200/503. */
  async readyzBody(app: LaunchedApp): Promise<{ httpStatus: number; body: ReadyzBody } | undefined> {
    const headers = { authorization: `Bearer ${this.settings.adminToken}` }; // the details need an admin token
    const res = await fetch(`${app.url}/readyz`, { headers }).catch(() => undefined);
    if (!res || (res.status !== 200 && res.status !== 503)) return undefined;
    return { httpStatus: res.status, body: (await res.json()) as ReadyzBody };
  }

  /** A mirror's config as its `/readyz` reports it (the `config` check's details). */
  async readyz(app: LaunchedApp): Promise<MirrorReadyz | undefined> {
    const answer = await this.readyzBody(app);
    const config = answer?.body.details['config'];
    if (!answer || !config) return undefined;
    const status = config.status === 'up' ? 'ready' : 'waiting';
    return { status, readiness: answer.body.status, config: config as unknown as MirrorReadyz['config'] };
  }

  /** Waits until every mirror (gateway, workers) satisfies `done`. */
  async waitForMirrors(what: string, done: (status: MirrorReadyz) => boolean, timeoutMs = 10_000): Promise<void> {
    const mirrors = this.apps.filter((a) => a.app !== 'config-service');
    await waitFor(
      async () => {
        const all = await Promise.all(mirrors.map((m) => this.readyz(m)));
        return all.every((s) => s !== undefined && done(s));
      },
      { what, timeoutMs, intervalMs: 20 },
    );
  }

  /**
   * Creates project `project` (its name = `project` capitalised; `projectBody`'s secrets) and its trigger
   * `trigger` for `order.paid` (Space Cloud's body, plus `extra`) through `gateway`'s config API, and waits
   * until every mirror holds the trigger.
   */
  async createTrigger(
    gateway: LaunchedApp,
    url: string,
    { project = 'shop', trigger = 'paid', extra = {} }: { project?: string; trigger?: string; extra?: object } = {},
  ): Promise<void> {
    const admin = this.settings.adminToken;
    const name = project.charAt(0).toUpperCase() + project.slice(1);
    const created = await call(gateway.url, 'POST', `/v1/config/projects/${project}`, admin, projectBody(name));
    if (created.status !== 200) throw new Error(`creating project ${project}: ${created.status}`);
    const body = { ...spaceCloudTrigger(trigger, url), ...extra };
    const path = `/v1/config/projects/${project}/eventing/triggers/${trigger}`;
    const put = await call(gateway.url, 'POST', path, admin, body);
    if (put.status !== 200) throw new Error(`creating trigger ${trigger}: ${put.status} ${JSON.stringify(put.body)}`);
    await this.waitForMirrors(
      `trigger ${trigger} mirrored`,
      (s) => s.config.projects[project]?.triggers[trigger] !== undefined,
      15_000,
    );
  }

  /**
   * The set the failover suites and benchmarks run: config-service, then a gateway and two event-workers
   * (`worker-1`, `worker-2`), every mirror in sync, and project `shop`'s trigger `paid` to `hookUrl`
   * (createTrigger). Returns the gateway.
   */
  async launchDeliveringSet(hookUrl: string): Promise<LaunchedApp> {
    await this.launch('config-service', 'config-service');
    const [gateway] = await Promise.all([
      this.launch('gateway', 'gateway'),
      this.launch('event-worker', 'worker-1'),
      this.launch('event-worker', 'worker-2'),
    ]);
    await this.waitForMirrors('config loaded', (s) => s.config.state === 'in-sync', 20_000);
    await this.createTrigger(gateway, hookUrl);
    return gateway;
  }

  async stopAll(): Promise<void> {
    for (const app of this.apps.splice(0)) {
      await app.proc.stop(3_000);
    }
  }
}
