// Test/bench helper: launches the built apps (dist/apps/<app>/src/main.js) as real processes for
// the config-plane integration tests and the propagation benchmark. Build first: `npm run build`.
// The process harness (libs/testing) is handed in by the caller: non-test files may not import it.
import { join, resolve } from 'node:path';

/** The pieces of `@spaceport/testing` this helper uses. */
export interface ProcessHarness {
  ManagedProcess: new (options: { name: string; command: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string; logFile: string }) => HarnessProcess;
  freePort: () => Promise<number>;
  waitFor: <T>(probe: () => Promise<T | undefined | false>, options: { what: string; timeoutMs: number; intervalMs?: number }) => Promise<T>;
}

export interface HarnessProcess {
  readonly running: boolean;
  readonly exitCode: number | null;
  start(): void;
  signal(signal: NodeJS.Signals): void;
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
  logTail(lines?: number): string;
}

export type AppName = 'gateway' | 'config-service' | 'event-worker';

export const ROOT = resolve(__dirname, '../../../..');
export const entryOf = (app: AppName): string => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');

export interface StackSettings {
  workDir: string;
  redisUrl: string;
  /** set → distributed mode against this agent */
  consulAddr?: string;
  clusterId: string;
  configPath?: string;
  adminToken: string;
  readToken: string;
  heartbeat: string;
  /** default info; the benchmark uses debug ("config applied" lines) */
  logLevel?: string;
}

export interface LaunchedApp {
  name: string;
  app: AppName;
  port: number;
  proc: HarnessProcess;
  logFile: string;
  url: string;
}

export interface MirrorReadyz {
  status: string;
  config: { state: string; version?: number; origin?: string; seq?: number; sourceAvailable: boolean; projects: Record<string, { version: number; triggers: Record<string, number> }> };
}

export class ConfigPlaneStack {
  readonly apps: LaunchedApp[] = [];

  constructor(
    readonly settings: StackSettings,
    private readonly harness: ProcessHarness,
  ) {}

  private env(port: number, nodeId: string): NodeJS.ProcessEnv {
    const s = this.settings;
    return {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ID: nodeId,
      CLUSTER_ID: s.clusterId,
      REDIS_URL: s.redisUrl,
      ADMIN_TOKEN: s.adminToken,
      ADMIN_READ_TOKEN: s.readToken,
      CONFIG_HEARTBEAT_INTERVAL: s.heartbeat,
      LOG_LEVEL: s.logLevel ?? 'info',
      ...(s.consulAddr ? { ENABLE_CONSUL: 'true', CONSUL_HTTP_ADDR: s.consulAddr, CONSUL_REGISTER: 'false' } : {}),
      ...(s.configPath ? { CONFIG_PATH: s.configPath } : {}),
    };
  }

  /** Starts `app` as `name` and waits for /healthz. */
  async launch(app: AppName, name: string, port?: number): Promise<LaunchedApp> {
    const chosen = port ?? (await this.harness.freePort());
    const logFile = join(this.settings.workDir, `${name}.log`);
    const proc = new this.harness.ManagedProcess({ name, command: process.execPath, args: [entryOf(app)], env: this.env(chosen, name), cwd: this.settings.workDir, logFile });
    proc.start();
    const launched: LaunchedApp = { name, app, port: chosen, proc, logFile, url: `http://127.0.0.1:${chosen}` };
    const existing = this.apps.findIndex((a) => a.name === name);
    if (existing >= 0) this.apps.splice(existing, 1, launched);
    else this.apps.push(launched);
    await this.harness.waitFor(
      async () => {
        if (!proc.running) throw new Error(`${name} exited with ${proc.exitCode}:\n${proc.logTail()}`);
        const res = await fetch(`${launched.url}/healthz`).catch(() => undefined);
        return res?.status === 200;
      },
      { what: `${name} /healthz`, timeoutMs: 20_000, intervalMs: 25 },
    );
    return launched;
  }

  async readyz(app: LaunchedApp): Promise<MirrorReadyz | undefined> {
    const res = await fetch(`${app.url}/readyz`).catch(() => undefined);
    if (!res || (res.status !== 200 && res.status !== 503)) return undefined;
    return (await res.json()) as MirrorReadyz;
  }

  /** Waits until every mirror (gateway, workers) satisfies `done`. */
  async waitForMirrors(what: string, done: (status: MirrorReadyz) => boolean, timeoutMs = 10_000): Promise<void> {
    const mirrors = this.apps.filter((a) => a.app !== 'config-service');
    await this.harness.waitFor(
      async () => {
        const all = await Promise.all(mirrors.map((m) => this.readyz(m)));
        return all.every((s) => s !== undefined && done(s));
      },
      { what, timeoutMs, intervalMs: 20 },
    );
  }

  async stopAll(): Promise<void> {
    for (const app of this.apps.splice(0)) {
      await app.proc.stop(3_000);
    }
  }
}
