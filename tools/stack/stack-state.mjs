// The state file of a running `npm start` stack (tmp/stack/state.json): how to reach it and how to
// start one more app into it. `npm start` writes it once the stack is up and removes it on Ctrl-C;
// `npm run worker` and `npm run demo` read it. No secrets in it: the admin token is only named.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STACK_STATE_VERSION = 1;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `SPACEPORT_STACK_STATE`, else tmp/stack/state.json in the repository. */
export function stackStateFile(env = process.env) {
  return env.SPACEPORT_STACK_STATE || join(root, 'tmp', 'stack', 'state.json');
}

/** true when a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error?.code === 'EPERM';
  }
}

const WORKER_ENV_KEYS = [
  'HOST',
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'ENABLE_CONSUL',
  'CONSUL_HTTP_ADDR',
  'CLUSTER_ID',
  'CONFIG_PATH',
  'WEBHOOK_ALLOWED_CIDRS',
];

/** The environment an event-worker of this stack needs, from the apps' env (drops everything else, e.g. ADMIN_TOKEN). */
export function workerEnvOf(appEnv) {
  return Object.fromEntries(
    WORKER_ENV_KEYS.filter((key) => appEnv[key] !== undefined).map((key) => [key, String(appEnv[key])]),
  );
}

/** Writes the state atomically (temp file + rename), readable by this user only. */
export function writeStackState(file, state) {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ version: STACK_STATE_VERSION, ...state }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/** Removes the file only when it belongs to `pid` (a newer stack's file stays). */
export function removeStackState(file, pid) {
  try {
    if (JSON.parse(readFileSync(file, 'utf8')).pid === pid) rmSync(file, { force: true });
  } catch {
    // absent or unreadable: nothing of ours to remove
  }
}

const NO_STACK = 'no local stack is running: start one with `npm start` (in another terminal), then run this again';

/**
 * `{ state }` for a running stack, else `{ error }` with a message for the user: no file, a file left
 * by a stack that is gone (stale), or a file this version cannot read.
 */
export function readStackState(file, isAlive = processAlive) {
  if (!existsSync(file)) return { error: `${NO_STACK} (${file} not found)` };
  let state;
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return {
      error: `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); delete it and restart \`npm start\``,
    };
  }
  if (state?.version !== STACK_STATE_VERSION)
    return {
      error: `${file} has version ${JSON.stringify(state?.version)}, expected ${STACK_STATE_VERSION}; restart \`npm start\``,
    };
  for (const [field, type] of [
    ['pid', 'number'],
    ['mode', 'string'],
    ['gatewayUrl', 'string'],
    ['workerEnv', 'object'],
  ]) {
    if (typeof state[field] !== type || state[field] === null)
      return { error: `${file}: field ${field} missing or not a ${type}; restart \`npm start\`` };
  }
  if (!isAlive(state.pid)) return { error: `${NO_STACK} (the stack that wrote ${file}, pid ${state.pid}, is gone)` };
  return { state };
}

/** A node id for one more worker: `event-worker-x<4 hex>` (distinct from the stack's event-worker-<n>). */
export function extraWorkerId(randomHex) {
  return `event-worker-x${randomHex}`;
}
