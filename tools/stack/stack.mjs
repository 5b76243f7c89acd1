#!/usr/bin/env node
// `npm start`: the whole Spaceport stack on this machine without Docker. Starts a real Consul
// (single persistent server; data under tmp/stack) and Redis (AOF), then config-service, the gateway
// and N event-workers as child processes with prefixed, coloured logs. Ctrl-C stops everything.
//   npm start -- --workers 3      number of event-workers (default 3)
//   npm start -- --standalone     file config, no Consul, one worker owns every partition
// It also runs the demo webhook receiver (apps/demo-receiver) for `npm run demo`, and writes
// tmp/stack/state.json so `npm run worker` can add a worker from another terminal.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { provision } from '../provision/provision.mjs';
import { DEFAULT_DEMO_WEBHOOK_SECRET, DEMO_RECEIVER_PORT, LOCAL_ADMIN_TOKEN } from '../demo/demo-defaults.mjs';
import { logPrefix, relayLines } from './log-prefix.mjs';
import { removeStackState, stackStateFile, workerEnvOf, writeStackState } from './stack-state.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: {
    workers: { type: 'string', default: '3' },
    standalone: { type: 'boolean', default: false },
    'gateway-port': { type: 'string', default: process.env.GATEWAY_PORT ?? '4122' },
    'consul-port': { type: 'string', default: '8500' },
    'redis-port': { type: 'string', default: '6379' },
    'receiver-port': { type: 'string', default: String(DEMO_RECEIVER_PORT) },
  },
});
const workerCount = Number(flags.workers);
if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 16) {
  console.error(`--workers: expected 1-16, got "${flags.workers}"`);
  process.exit(2);
}

const colours = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];
const children = [];
let stopping = false;
const stateFile = stackStateFile();

function run(name, command, args, env = {}) {
  const colour = colours[children.length % colours.length];
  const prefix = logPrefix(name, colour);
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  relayLines(child.stdout, process.stdout, prefix);
  relayLines(child.stderr, process.stderr, prefix);
  child.on('exit', (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) shutdown(1);
  });
  children.push({ name, child });
  return child;
}

async function waitHttp(url, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok && (await res.text()) !== '""') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up at ${url} within ${timeoutMs} ms`);
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  // Apps first (they deregister from Consul and finish in-flight work), infrastructure last.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }
  removeStackState(stateFile, process.pid);
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main() {
  const bins = provision();
  const dataDir = join(root, 'tmp', 'stack');
  mkdirSync(join(dataDir, 'redis'), { recursive: true });
  const redisPort = flags['redis-port'];
  run('redis', bins.REDIS_SERVER_BIN, [
    '--port',
    redisPort,
    '--bind',
    '127.0.0.1',
    '--dir',
    join(dataDir, 'redis'),
    '--appendonly',
    'yes',
  ]);
  // Local stack only: a fixed, documented admin token unless ADMIN_TOKEN is set, and webhooks to
  // this machine allowed (the SSRF guard refuses loopback otherwise) so a local receiver works.
  const appEnv = {
    HOST: '127.0.0.1',
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN || LOCAL_ADMIN_TOKEN,
    WEBHOOK_ALLOWED_CIDRS: process.env.WEBHOOK_ALLOWED_CIDRS || '127.0.0.1/32',
  };
  if (!flags.standalone) {
    const consulPort = flags['consul-port'];
    mkdirSync(join(dataDir, 'consul'), { recursive: true });
    const consulConfig = {
      server: true,
      bootstrap_expect: 1,
      ui_config: { enabled: true },
      data_dir: join(dataDir, 'consul'),
      bind_addr: '127.0.0.1',
      client_addr: '127.0.0.1',
      node_name: 'spaceport-local',
      ports: { http: Number(consulPort), dns: -1, grpc: -1, grpc_tls: -1 },
      disable_update_check: true,
      log_level: 'warn',
    };
    writeFileSync(join(dataDir, 'consul.json'), JSON.stringify(consulConfig));
    run('consul', bins.CONSUL_BIN, ['agent', '-config-file', join(dataDir, 'consul.json')]);
    await waitHttp(`http://127.0.0.1:${consulPort}/v1/status/leader`, 'consul');
    Object.assign(appEnv, { ENABLE_CONSUL: 'true', CONSUL_HTTP_ADDR: `127.0.0.1:${consulPort}` });
  } else {
    Object.assign(appEnv, { ENABLE_CONSUL: 'false', CONFIG_PATH: join(dataDir, 'spaceport.yaml') });
  }
  const app = (name) => join(root, 'dist', 'apps', name, 'src', 'main.js');
  run('config-service', process.execPath, [app('config-service'), '--id', 'config-service-1'], appEnv);
  const gatewayPort = flags['gateway-port'];
  run('gateway', process.execPath, [app('gateway'), '--id', 'gateway-1', '--port', gatewayPort], appEnv);
  for (let i = 1; i <= workerCount; i++) {
    run(
      `event-worker-${i}`,
      process.execPath,
      [app('event-worker'), '--id', `event-worker-${i}`, '--port', String(4126 + i)],
      appEnv,
    );
  }
  const receiverPort = flags['receiver-port'];
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  run('demo-receiver', process.execPath, [app('demo-receiver')], {
    HOST: '127.0.0.1',
    PORT: receiverPort,
    WEBHOOK_SECRET: process.env.DEMO_WEBHOOK_SECRET || DEFAULT_DEMO_WEBHOOK_SECRET,
  });
  await waitHttp(`http://127.0.0.1:${gatewayPort}/healthz`, 'gateway');
  await waitHttp(`${receiverUrl}/healthz`, 'demo-receiver');
  writeStackState(stateFile, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    mode: flags.standalone ? 'standalone' : 'distributed',
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    demoReceiverUrl: receiverUrl,
    ...(flags.standalone ? {} : { consulUrl: `http://127.0.0.1:${flags['consul-port']}` }),
    redisUrl: appEnv.REDIS_URL,
    clusterId: process.env.CLUSTER_ID || 'default',
    workers: workerCount,
    adminToken: process.env.ADMIN_TOKEN ? 'ADMIN_TOKEN' : 'local-default',
    workerEnv: workerEnvOf({ CLUSTER_ID: process.env.CLUSTER_ID, ...appEnv }),
  });
  console.log(
    `\nSpaceport is up (${flags.standalone ? 'standalone' : 'distributed'} mode, ${workerCount} event-worker(s)).`,
  );
  console.log(`  gateway   http://127.0.0.1:${gatewayPort}  (GET /healthz, /v1/cluster)`);
  console.log(`  admin API Authorization: Bearer ${process.env.ADMIN_TOKEN ? '$ADMIN_TOKEN' : LOCAL_ADMIN_TOKEN}`);
  if (!flags.standalone) console.log(`  consul UI http://127.0.0.1:${flags['consul-port']}/ui`);
  console.log(`  redis     redis://127.0.0.1:${redisPort}`);
  console.log(`  demo webhook receiver ${receiverUrl}  (GET /received)`);
  console.log(
    'Next, in another terminal: `npm run demo` (project + trigger + events)' +
      (flags.standalone ? '.' : ', `npm run worker` (one more worker).'),
  );
  console.log('Ctrl-C stops everything.\n');
}

main().catch((error) => {
  console.error(`stack: ${error instanceof Error ? error.message : String(error)}`);
  shutdown(1);
});
