#!/usr/bin/env node
// `npm start`: the whole Spaceport stack on this machine without Docker. Starts a real Consul
// (single persistent server; data under tmp/stack) and Redis (AOF), then config-service, the gateway
// and N event-workers as child processes with prefixed, coloured logs (supervisor.mjs). An event-worker
// that dies is restarted with a backoff, and so is a Redis process of `--redis sentinel|cluster` (the
// topology survives it); any other child dying stops the stack (exit 1). Ctrl-C,
// SIGINT or SIGTERM (also to the npm process) stops everything within 15 s (exit 0).
//   npm start -- --workers 3      number of event-workers (default 3)
//   npm start -- --standalone     file config, no Consul, one worker owns every partition
//   npm start -- --free-ports     every port not given by a flag picked free (a second stack, tests)
//   npm start -- --redis sentinel Redis as a master, a replica and 3 sentinels; `cluster`: 3 masters and
//                                 3 replicas; `single` (default): one node (redis-stack.mjs)
// It also runs the demo webhook receiver (apps/demo-receiver) for `npm run demo`, and writes
// tmp/stack/state.json so `npm run worker` can add a worker from another terminal. The config signing
// key: CONFIG_SIGNING_KEY, else <data dir>/config-signing.key (made on the first run, mode 0600).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { provision } from '../provision/provision.mjs';
import { DEFAULT_DEMO_WEBHOOK_SECRET, DEMO_RECEIVER_PORT, LOCAL_ADMIN_TOKEN } from '../demo/demo-defaults.mjs';
import { freePorts } from './free-ports.mjs';
import { freeRedisPorts, parseRedisTopology, redisPortsOf, startRedis } from './redis-stack.mjs';
import { stackSigningKey } from './signing-key.mjs';
import { removeStackState, stackStateFile, workerEnvOf, writeStackState } from './stack-state.mjs';
import { Supervisor } from './supervisor.mjs';

/** How the apps reach Redis, for the banner; set once the topology is ready. */
let redisLine = '';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: {
    workers: { type: 'string', default: '3' },
    standalone: { type: 'boolean', default: false },
    'gateway-port': { type: 'string', default: process.env.GATEWAY_PORT },
    'consul-port': { type: 'string' },
    'redis-port': { type: 'string' },
    redis: { type: 'string', default: 'single' },
    'receiver-port': { type: 'string' },
    'free-ports': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: join(root, 'tmp', 'stack') },
  },
});
const workerCount = Number(flags.workers);
if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 16) {
  console.error(`--workers: expected 1-16, got "${flags.workers}"`);
  process.exit(2);
}

const { topology: redisTopology, error: redisError } = parseRedisTopology(flags.redis);
if (redisError) {
  console.error(redisError);
  process.exit(2);
}
const redisBasePort = flags['redis-port'] === undefined ? undefined : Number(flags['redis-port']);
if (redisBasePort !== undefined && !(Number.isInteger(redisBasePort) && redisBasePort > 0 && redisBasePort < 65_536)) {
  console.error(`--redis-port: expected a port number, got "${flags['redis-port']}"`);
  process.exit(2);
}

const stateFile = stackStateFile();
const supervisor = new Supervisor({ cwd: root, cleanup: () => removeStackState(stateFile, process.pid) });
supervisor.handleSignals();
// under npm (see supervisor.mjs): npm gone → this process is an orphan → stop the stack
if (process.env.npm_lifecycle_event) supervisor.watchParent();

/** Every port: the flag's, else a free one with --free-ports, else the default. */
async function resolvePorts() {
  const defaults = {
    gateway: 4122,
    configService: 4124,
    consul: 8500,
    consulSerf: 8301,
    consulServer: 8300,
    receiver: DEMO_RECEIVER_PORT,
  };
  const workers = Array.from({ length: workerCount }, (_, i) => 4127 + i);
  const names = Object.keys(defaults);
  if (flags['free-ports']) {
    const free = await freePorts(names.length + workerCount);
    names.forEach((name, i) => (defaults[name] = free[i]));
    workers.splice(0, workerCount, ...free.slice(names.length));
  }
  const given = (flag, fallback) => String(flags[flag] ?? fallback);
  return {
    gateway: given('gateway-port', defaults.gateway),
    configService: String(defaults.configService),
    consul: given('consul-port', defaults.consul),
    consulSerf: defaults.consulSerf,
    consulServer: defaults.consulServer,
    redis:
      flags['free-ports'] && redisBasePort === undefined
        ? await freeRedisPorts(redisTopology)
        : redisPortsOf(redisTopology, redisBasePort),
    receiver: given('receiver-port', defaults.receiver),
    workers,
  };
}

async function waitHttp(url, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !supervisor.stopping) {
    try {
      const res = await fetch(url);
      if (res.ok && (await res.text()) !== '""') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (supervisor.stopping) throw new Error(`stopped while waiting for ${what}`);
  throw new Error(`${what} did not come up at ${url} within ${timeoutMs} ms`);
}

/**
 * Redis (its topology: redis-stack.mjs), then (distributed) Consul until it has a leader, and the Redis
 * topology until it is ready; returns the apps' environment.
 */
async function startInfrastructure(ports, dataDir, signingKey) {
  const bins = provision();
  const redis = startRedis(redisTopology, { supervisor, bin: bins.REDIS_SERVER_BIN, ports: ports.redis, dataDir });
  const redisReady = redis.ready.then((description) => {
    redisLine = description;
    if (redisTopology !== 'single') console.log(`stack: redis ${description}`);
  });
  redisReady.catch(() => undefined); // awaited below; not an unhandled rejection while Consul starts
  // Local stack only: a fixed, documented admin token unless ADMIN_TOKEN is set, and webhooks to
  // this machine allowed (the SSRF guard refuses loopback otherwise) so a local receiver works.
  const appEnv = {
    HOST: '127.0.0.1',
    ...redis.env,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || LOCAL_ADMIN_TOKEN,
    CONFIG_SIGNING_KEY: signingKey,
    WEBHOOK_ALLOWED_CIDRS: process.env.WEBHOOK_ALLOWED_CIDRS || '127.0.0.1/32',
  };
  if (flags.standalone) {
    await redisReady;
    return { ...appEnv, ENABLE_CONSUL: 'false', CONFIG_PATH: join(dataDir, 'spaceport.yaml') };
  }
  mkdirSync(join(dataDir, 'consul'), { recursive: true });
  const consulConfig = {
    server: true,
    bootstrap_expect: 1,
    ui_config: { enabled: true },
    data_dir: join(dataDir, 'consul'),
    bind_addr: '127.0.0.1',
    client_addr: '127.0.0.1',
    node_name: 'spaceport-local',
    ports: {
      http: Number(ports.consul),
      serf_lan: ports.consulSerf,
      server: ports.consulServer,
      serf_wan: -1,
      dns: -1,
      grpc: -1,
      grpc_tls: -1,
    },
    disable_update_check: true,
    log_level: 'warn',
  };
  writeFileSync(join(dataDir, 'consul.json'), JSON.stringify(consulConfig));
  supervisor.run(
    'consul',
    bins.CONSUL_BIN,
    ['agent', '-config-file', join(dataDir, 'consul.json')],
    {},
    { infra: true },
  );
  await waitHttp(`http://127.0.0.1:${ports.consul}/v1/status/leader`, 'consul');
  await redisReady;
  return { ...appEnv, ENABLE_CONSUL: 'true', CONSUL_HTTP_ADDR: `127.0.0.1:${ports.consul}` };
}

/** config-service, gateway, the event-workers (restarted when they die) and the demo receiver. */
async function startApps(ports, appEnv) {
  const app = (name) => join(root, 'dist', 'apps', name, 'src', 'main.js');
  const node = process.execPath;
  const configService = [app('config-service'), '--id', 'config-service-1', '--port', ports.configService];
  supervisor.run('config-service', node, configService, appEnv);
  supervisor.run('gateway', node, [app('gateway'), '--id', 'gateway-1', '--port', ports.gateway], appEnv);
  ports.workers.forEach((port, i) => {
    const id = `event-worker-${i + 1}`;
    supervisor.run(id, node, [app('event-worker'), '--id', id, '--port', String(port)], appEnv, { restart: true });
  });
  supervisor.run('demo-receiver', node, [app('demo-receiver')], {
    HOST: '127.0.0.1',
    PORT: ports.receiver,
    WEBHOOK_SECRET: process.env.DEMO_WEBHOOK_SECRET || DEFAULT_DEMO_WEBHOOK_SECRET,
  });
  await waitHttp(`http://127.0.0.1:${ports.gateway}/healthz`, 'gateway');
  await waitHttp(`http://127.0.0.1:${ports.receiver}/healthz`, 'demo-receiver');
}

function announce(ports, appEnv, signingKeyFile) {
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const receiverUrl = `http://127.0.0.1:${ports.receiver}`;
  const consulUrl = flags.standalone ? undefined : `http://127.0.0.1:${ports.consul}`;
  writeStackState(stateFile, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    mode: flags.standalone ? 'standalone' : 'distributed',
    gatewayUrl,
    demoReceiverUrl: receiverUrl,
    ...(consulUrl ? { consulUrl } : {}),
    redisTopology,
    ...(appEnv.REDIS_URL ? { redisUrl: appEnv.REDIS_URL } : {}),
    clusterId: process.env.CLUSTER_ID || 'default',
    workers: workerCount,
    adminToken: process.env.ADMIN_TOKEN ? 'ADMIN_TOKEN' : 'local-default',
    ...(signingKeyFile ? { signingKeyFile } : {}),
    workerEnv: workerEnvOf({ CLUSTER_ID: process.env.CLUSTER_ID, ...appEnv }),
  });
  console.log(
    `\nSpaceport is up (${flags.standalone ? 'standalone' : 'distributed'} mode, ${workerCount} event-worker(s), ` +
      `${redisTopology} Redis).`,
  );
  console.log(`  gateway   ${gatewayUrl}  (GET /healthz; /v1/cluster with the admin token)`);
  console.log(`  admin API Authorization: Bearer ${process.env.ADMIN_TOKEN ? '$ADMIN_TOKEN' : LOCAL_ADMIN_TOKEN}`);
  console.log(`  config signing key ${signingKeyFile ?? '$CONFIG_SIGNING_KEY'}`);
  if (consulUrl) console.log(`  consul UI ${consulUrl}/ui`);
  console.log(`  redis     ${redisLine}`);
  console.log(`  demo webhook receiver ${receiverUrl}  (GET /received)`);
  console.log(
    'Next, in another terminal: `npm run demo` (project + trigger + events)' +
      (flags.standalone ? '.' : ', `npm run worker` (one more worker).'),
  );
  console.log(
    `A dead event-worker${redisTopology === 'single' ? '' : ' or Redis process'} is restarted; ` +
      'Ctrl-C (or SIGTERM) stops everything.\n',
  );
}

async function main() {
  const ports = await resolvePorts();
  const dataDir = resolve(flags['data-dir']);
  const signing = stackSigningKey(dataDir);
  const appEnv = await startInfrastructure(ports, dataDir, signing.key);
  await startApps(ports, appEnv);
  announce(ports, appEnv, signing.file);
}

main().catch((error) => {
  if (supervisor.stopping) return; // a stop requested during start-up: the supervisor exits
  console.error(`stack: ${error instanceof Error ? error.message : String(error)}`);
  void supervisor.stop(1);
});
