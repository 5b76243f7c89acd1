#!/usr/bin/env node
// `npm run worker`: one more event-worker in the running `npm start` stack, in this terminal, to watch
// a rebalance (GET <gateway>/v1/cluster, or the stack's logs). It reads the stack's state file
// (tmp/stack/state.json), picks a free port and a new node id, prefixes its logs, and Ctrl-C stops
// only this worker (it deregisters; the leader moves its partitions back). Stops too when the stack goes.
//   npm run worker -- --id event-worker-9 --port 4140
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_ADMIN_TOKEN } from '../demo/demo-defaults.mjs';
import { freePorts } from './free-ports.mjs';
import { logPrefix, relayLines } from './log-prefix.mjs';
import { readSigningKeyFile } from './signing-key.mjs';
import { extraWorkerId, processAlive, readStackState, stackStateFile } from './stack-state.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({ options: { id: { type: 'string' }, port: { type: 'string' } } });

function fail(message) {
  console.error(`worker: ${message}`);
  process.exit(1);
}

const { state, error } = readStackState(stackStateFile());
if (error) fail(error);
if (state.mode !== 'distributed') {
  fail(
    'the running stack is standalone (one worker owns every partition); restart it without --standalone to add workers',
  );
}
const entry = join(root, 'dist', 'apps', 'event-worker', 'src', 'main.js');
if (!existsSync(entry)) fail(`${entry} not found: run \`npm run build\` first`);
const port = flags.port ?? String((await freePorts(1))[0]);
if (!/^\d{1,5}$/.test(port)) fail(`--port: expected a port number, got "${port}"`);
const nodeId = flags.id ?? extraWorkerId(randomBytes(2).toString('hex'));

// the stack's config signing key: its file, or (a stack started with CONFIG_SIGNING_KEY) the same variable here
let signingKey = process.env.CONFIG_SIGNING_KEY;
if (state.signingKeyFile) {
  try {
    signingKey = readSigningKeyFile(state.signingKeyFile);
  } catch (error) {
    fail(`config signing key: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (!signingKey) fail('the stack runs with CONFIG_SIGNING_KEY from its environment: set the same one here');

const prefix = logPrefix(nodeId, 97);
const child = spawn(process.execPath, [entry, '--id', nodeId, '--port', port], {
  cwd: root,
  env: { ...process.env, ...state.workerEnv, CONFIG_SIGNING_KEY: signingKey },
  stdio: ['ignore', 'pipe', 'pipe'],
});
relayLines(child.stdout, process.stdout, prefix);
relayLines(child.stderr, process.stderr, prefix);
console.log(`Adding ${nodeId} (http://127.0.0.1:${port}) to the stack of pid ${state.pid}.`);
const adminToken = state.adminToken === 'local-default' ? LOCAL_ADMIN_TOKEN : '$ADMIN_TOKEN';
console.log(`  watch the rebalance: curl -s -H "authorization: Bearer ${adminToken}" ${state.gatewayUrl}/v1/cluster`);
console.log('Ctrl-C stops this worker only.\n');

let stopping = false;
function stop(reason) {
  if (stopping) return;
  stopping = true;
  if (reason) console.log(`${prefix}${reason}`);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
}
child.on('exit', (code, signal) => {
  process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
  process.exit(stopping ? 0 : (code ?? 1));
});
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
setInterval(() => {
  if (!processAlive(state.pid)) stop(`the stack (pid ${state.pid}) is gone; stopping`);
}, 2_000).unref();
