// A dockerd of the test's own: its data root cached under <cache>/compose/ (images survive between runs),
// its exec root, pidfile and socket in a fresh /tmp directory, reached through DOCKER_HOST. Started with
// overlay2, or vfs when overlay2 does not come up; stopped by its PID (SIGTERM, then SIGKILL).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../provision/consul.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid, ms) {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  return !alive(pid);
}

/** Stops a process by PID: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid, graceMs = 20_000) {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone(pid, graceMs))) {
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 5_000);
  }
}

async function startWith({ dockerd, docker, driver, log }) {
  const runDir = mkdtempSync('/tmp/spd-'); // short: unix socket paths are limited to 108 bytes
  const dataRoot = join(cacheRoot(), 'compose', `docker-${driver}`);
  mkdirSync(dataRoot, { recursive: true });
  const socket = join(runDir, 'docker.sock');
  const logFile = join(runDir, 'dockerd.log');
  const out = openSync(logFile, 'a');
  const args = [
    `--data-root=${dataRoot}`,
    `--exec-root=${join(runDir, 'exec')}`,
    `--pidfile=${join(runDir, 'dockerd.pid')}`,
    `--host=unix://${socket}`,
    `--storage-driver=${driver}`,
    '--group=root',
  ];
  const child = spawn(dockerd, args, { stdio: ['ignore', out, out], detached: false });
  closeSync(out);
  const engine = { pid: child.pid, runDir, socket, logFile, driver, dataRoot, host: `unix://${socket}` };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const info = spawnSync(docker, ['info', '--format', '{{.Driver}}'], {
      env: { ...process.env, DOCKER_HOST: engine.host },
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (info.status === 0 && info.stdout.trim() === driver) {
      log(`dockerd ${child.pid}: up with ${driver} at ${engine.host} (log ${logFile})`);
      return engine;
    }
    await sleep(500);
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n') : '';
  await stopEngine(engine, log);
  throw new Error(`dockerd with ${driver} did not come up within 60 s:\n${tail}`);
}

/**
 * Starts dockerd (overlay2, else vfs). Returns { pid, host, runDir, driver, ... } for stopEngine.
 * @param {{ dockerd: string, docker: string, log: (line: string) => void }} tools
 */
export async function startEngine({ dockerd, docker, log }) {
  try {
    return await startWith({ dockerd, docker, driver: 'overlay2', log });
  } catch (error) {
    log(`overlay2 failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); trying vfs`);
    return startWith({ dockerd, docker, driver: 'vfs', log });
  }
}

/** Stops dockerd and the containerd it manages, by PID, and removes the run directory. */
export async function stopEngine(engine, log) {
  const containerdPidFile = join(engine.runDir, 'exec', 'containerd', 'containerd.pid');
  const containerdPid = existsSync(containerdPidFile) ? Number(readFileSync(containerdPidFile, 'utf8')) : 0;
  await stopPid(engine.pid);
  if (containerdPid > 0) await stopPid(containerdPid, 10_000);
  rmSync(engine.runDir, { recursive: true, force: true });
  log(`dockerd ${engine.pid}: stopped`);
}
