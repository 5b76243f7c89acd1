// What compose-stack.e2e.ts drives: the real docker-compose.yml under a project name of its own, with an
// env file (tokens, free host ports, EVENT_WORKERS) and an override that adds only what the test needs:
// the npm CA as a BuildKit build secret and a webhook recorder on the demo network.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';

const run = promisify(execFile);
export const repoRoot = resolve(__dirname, '../../..');
export const RECORDER_ADDRESS = '172.28.200.11';
export const RECORDER_PORT = 4130;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` distinct free ports on 127.0.0.1, held open together so none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((ok, fail) =>
        server.once('error', fail).listen(0, '127.0.0.1', () => ok(server)),
      );
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((ok) => server.close(ok))));
  return ports;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite with \`npm run test:compose\``);
  return value;
}

export interface ComposeStack {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly gatewayUrl: string;
  readonly adminToken: string;
  readonly deliveriesFile: string;
  compose(args: string[], timeoutMs?: number): Promise<string>;
  docker(args: string[], timeoutMs?: number): Promise<string>;
}

/** Writes the env file and override into a fresh temp dir; nothing is written into the repository. */
export async function createComposeStack(): Promise<ComposeStack> {
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-e2e-'));
  const deliveries = join(dir, 'deliveries');
  mkdirSync(deliveries);
  chmodSync(deliveries, 0o777); // the recorder runs as `node` (uid 1000)
  const [gatewayPort, consulPort, receiverPort] = await freePorts(3);
  // One line per variable docker-compose.yml interpolates (add a new required one here).
  const env: Record<string, string> = {
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    REDIS_PASSWORD: randomBytes(24).toString('hex'),
    CONFIG_SIGNING_KEY: randomBytes(32).toString('base64url'),
    EVENT_WORKERS: '3',
    GATEWAY_PORT: String(gatewayPort),
    CONSUL_UI_PORT: String(consulPort),
    DEMO_RECEIVER_PORT: String(receiverPort),
    WEBHOOK_ALLOWED_CIDRS: `172.28.200.10/32,${RECORDER_ADDRESS}/32`,
  };
  const envFile = join(dir, 'e2e.env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  writeFileSync(join(dir, 'e2e.override.yml'), JSON.stringify(override(deliveries), null, 2));
  const composeBin = required('DOCKER_COMPOSE_BIN');
  const dockerBin = required('DOCKER_BIN');
  const project = required('SPACEPORT_E2E_PROJECT');
  const base = [
    '--project-name', project, '--project-directory', repoRoot, '--env-file', envFile,
    '--file', join(repoRoot, 'docker-compose.yml'), '--file', join(dir, 'e2e.override.yml'),
  ]; // prettier-ignore
  const childEnv = { ...process.env, DOCKER_BUILDKIT: '1', COMPOSE_PROGRESS: 'plain' };
  const exec = async (bin: string, args: string[], timeoutMs: number) => {
    try {
      const { stdout } = await run(bin, args, { env: childEnv, timeout: timeoutMs, maxBuffer: 64 << 20 });
      return stdout.trim();
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${bin} ${args.join(' ')} failed: ${e.message}\n${(e.stderr ?? '').slice(-4000)}`);
    }
  };
  return {
    dir,
    env,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    adminToken: env['ADMIN_TOKEN'] ?? '',
    deliveriesFile: join(deliveries, 'deliveries.jsonl'),
    compose: (args, timeoutMs = 180_000) => exec(composeBin, [...base, ...args], timeoutMs),
    docker: (args, timeoutMs = 60_000) => exec(dockerBin, args, timeoutMs),
  };
}

function override(deliveriesDir: string): Record<string, unknown> {
  const ca = process.env['SPACEPORT_E2E_NPM_CA'];
  const withCa = ca ? { build: { secrets: ['npm_ca'] } } : {};
  return {
    services: {
      'config-service': withCa,
      gateway: withCa,
      'event-worker': withCa,
      'demo-receiver': withCa,
      'webhook-recorder': {
        image: 'spaceport/demo-receiver:local',
        pull_policy: 'never',
        command: ['node', '/e2e/webhook-recorder.mjs'],
        volumes: [
          `${join(repoRoot, 'tools/compose/e2e/webhook-recorder.mjs')}:/e2e/webhook-recorder.mjs:ro`,
          `${deliveriesDir}:/deliveries`,
        ],
        networks: { demo: { ipv4_address: RECORDER_ADDRESS } },
        init: true,
        restart: 'unless-stopped',
        depends_on: ['demo-receiver'],
      },
    },
    ...(ca ? { secrets: { npm_ca: { file: ca } } } : {}),
  };
}

export interface Delivery {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
  readonly body: string;
}

export function readDeliveries(file: string): Delivery[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Delivery);
}

/** Verifies one delivery with the standardwebhooks library (an implementation independent of ours). */
export function verifiedEventId(delivery: Delivery, secret: string): string {
  const payload = new Webhook(secret).verify(delivery.body, {
    'webhook-id': delivery['webhook-id'],
    'webhook-timestamp': delivery['webhook-timestamp'],
    'webhook-signature': delivery['webhook-signature'],
  }) as { id: string };
  return payload.id;
}

export async function gateway(
  stack: ComposeStack,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as unknown) };
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined; throws after `ms`. */
export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, everyMs = 500) {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`${what}: not within ${ms / 1000} s${last ? ` (last error: ${String(last)})` : ''}`);
}
