#!/usr/bin/env node
// `npm run test:compose`: the compose path end to end, bounded to 15 minutes in all.
//  1. provisions the host (tools/provision/compose.mjs: docker.io, debootstrap, Compose v2 from its Go module)
//  2. starts a dockerd of its own (docker-engine.mjs) and makes the upstream images present: pulled, or
//     local stand-ins under the same names where no registry serves them (compose-standins.mjs)
//  3. runs the Vitest suite tools/compose/e2e/compose-stack.e2e.ts as a child process (report:
//     tmp/test-compose-report.json), so nothing here blocks the Vitest worker
//  4. always: `compose down --volumes` of its project, then stops its dockerd by PID.
// Everything synchronous happens here, before Vitest starts.
import { spawn, spawnSync } from 'node:child_process';
import { setImmediate } from 'node:timers';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionCompose } from '../../provision/compose.mjs';
import { ensureUpstreamImages } from '../../provision/compose-standins.mjs';
import { startEngine, stopEngine, stopPid } from './docker-engine.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUDGET_MS = 15 * 60_000;
const E2E_PROJECT = 'spaceport-e2e';
const started = Date.now();
const log = (line) => process.stderr.write(`[test:compose ${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

/** The CA bundle an intercepting proxy needs, for the build secret `npm_ca` (never an image layer). */
function npmCaBundle() {
  const npmCafile = spawnSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim();
  const candidates = [process.env.NODE_EXTRA_CA_CERTS, npmCafile, '/etc/ssl/certs/ca-certificates.crt'];
  return candidates.find((path) => path && path !== 'null' && path !== 'undefined' && existsSync(path));
}

/** `down --volumes` of the test's project, found by its name (labels), no compose file needed. */
function removeProject(composeBin, dockerHost) {
  spawnSync(composeBin, ['--project-name', E2E_PROJECT, 'down', '--volumes', '--remove-orphans', '--timeout', '10'], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    stdio: 'ignore',
    timeout: 120_000,
  });
}

let stopping = false;
/** @type {((signal: NodeJS.Signals) => void) | undefined} */
let stopVitest;
function onSignal(signal) {
  log(`${signal}: stopping (the stack and dockerd are cleaned up first)`);
  stopping = true;
  stopVitest?.(signal);
}

function runVitest(env, deadline) {
  return new Promise((resolveExit) => {
    const vitest = spawn(
      process.execPath,
      [resolve(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'tools/compose/e2e/vitest.config.ts'],
      { cwd: repoRoot, env, stdio: 'inherit' },
    );
    const timer = setTimeout(
      () => {
        log('the 15-minute budget is spent: stopping Vitest');
        void stopPid(vitest.pid, 10_000);
      },
      Math.max(deadline - Date.now(), 1_000),
    );
    stopVitest = (signal) => vitest.kill(signal);
    vitest.on('exit', (code, signal) => {
      clearTimeout(timer);
      stopVitest = undefined;
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  const deadline = started + BUDGET_MS;
  const tools = provisionCompose(log);
  const engine = await startEngine({ dockerd: tools.DOCKERD_BIN, docker: tools.DOCKER_BIN, log });
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  let exitCode = 1;
  try {
    const origin = ensureUpstreamImages({
      docker: tools.DOCKER_BIN,
      dockerHost: engine.host,
      debootstrap: tools.DEBOOTSTRAP_BIN,
      log,
    });
    const standins = Object.entries(origin).filter(([, how]) => how.includes('stand-in'));
    if (standins.length > 0)
      log(`NOTE: no registry served ${standins.map(([name]) => name).join(', ')}: the stack runs on local stand-ins`);
    const ca = npmCaBundle();
    log(ca ? `npm CA bundle for the build (a BuildKit secret, not a layer): ${ca}` : 'no CA bundle found');
    log(`provisioned in ${Math.round((Date.now() - started) / 1000)} s; starting the end-to-end suite`);
    await new Promise((resolveTick) => setImmediate(resolveTick)); // a signal queued during provisioning lands here
    if (stopping) return 130;
    removeProject(tools.DOCKER_COMPOSE_BIN, engine.host); // what a killed earlier run left in the data root
    exitCode = await runVitest(
      {
        ...process.env,
        DOCKER_HOST: engine.host,
        DOCKER_BIN: tools.DOCKER_BIN,
        DOCKER_COMPOSE_BIN: tools.DOCKER_COMPOSE_BIN,
        SPACEPORT_E2E_PROJECT: E2E_PROJECT,
        SPACEPORT_E2E_DEADLINE: String(deadline),
        SPACEPORT_E2E_IMAGES: JSON.stringify(origin),
        ...(ca ? { SPACEPORT_E2E_NPM_CA: ca } : {}),
      },
      deadline,
    );
  } finally {
    // the suite cleans up after itself; this is the backstop when it was stopped or crashed
    removeProject(tools.DOCKER_COMPOSE_BIN, engine.host);
    await stopEngine(engine, log);
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s, exit ${exitCode}`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
