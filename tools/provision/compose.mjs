#!/usr/bin/env node
// Provision what `npm run test:compose` needs on the host, before any test runs: Debian's docker.io
// (dockerd, containerd, runc, the docker CLI), debootstrap (for local stand-ins of the upstream images
// when no registry serves them) and Docker Compose v2 built from its Go module, cached by version like
// Consul (tools/provision/consul.mjs). Progress goes to stderr; with --print-env prints DOCKERD_BIN=…,
// DOCKER_BIN=…, DOCKER_COMPOSE_BIN=… to stdout.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheRoot } from './consul.mjs';
import { ensureDebianProgram } from './debian.mjs';

export const COMPOSE_MODULE = 'github.com/docker/compose/v2';
export const COMPOSE_VERSION = 'v2.40.3';

const log = (line) => process.stderr.write(`[provision] ${line}\n`);

/** dockerd and the docker CLI of the same package (Debian's docker.io: Engine 20.10). */
export function ensureDockerEngine(logLine = log) {
  const dockerd = ensureDebianProgram({
    command: 'dockerd',
    envVar: 'DOCKERD_BIN',
    debianPackage: 'docker.io',
    log: logLine,
  });
  // the CLI shipped beside this dockerd, not whichever `docker` comes first on PATH
  const besides = ['/usr/bin/docker', join(dirname(dockerd), 'docker')].find((bin) => existsSync(bin));
  const docker = process.env.DOCKER_BIN || besides;
  if (!docker) throw new Error(`no docker CLI beside ${dockerd}: install Debian's docker.io or set DOCKER_BIN`);
  return { dockerd, docker };
}

export function ensureDebootstrap(logLine = log) {
  return ensureDebianProgram({
    command: 'debootstrap',
    envVar: 'DEBOOTSTRAP_BIN',
    debianPackage: 'debootstrap',
    log: logLine,
  });
}

function composeReports(bin) {
  const run = spawnSync(bin, ['version', '--short'], { encoding: 'utf8', timeout: 10_000 });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/**
 * Compose v2 from its Go module (`go build ./cmd`), cached at <cache>/compose/<version>-<os>-<arch>/,
 * and linked as the CLI plugin ~/.docker/cli-plugins/docker-compose unless one is there already.
 */
export function ensureCompose(logLine = log) {
  if (process.env.DOCKER_COMPOSE_BIN) {
    logLine(`compose: using DOCKER_COMPOSE_BIN=${process.env.DOCKER_COMPOSE_BIN}`);
    return process.env.DOCKER_COMPOSE_BIN;
  }
  const goEnvRun = spawnSync('go', ['env', 'GOOS', 'GOARCH'], { encoding: 'utf8' });
  if (goEnvRun.error || goEnvRun.status !== 0)
    throw new Error(
      `compose ${COMPOSE_VERSION} is built from its Go module and needs Go on PATH (or DOCKER_COMPOSE_BIN)`,
    );
  const [goos, goarch] = goEnvRun.stdout.trim().split('\n');
  const dir = join(cacheRoot(), 'compose', `${COMPOSE_VERSION}-${goos}-${goarch}`);
  const bin = join(dir, 'docker-compose');
  const wanted = COMPOSE_VERSION.replace(/^v/, '');
  if (existsSync(bin) && composeReports(bin) === wanted) {
    logLine(`compose ${COMPOSE_VERSION}: cached at ${bin}`);
  } else {
    const started = Date.now();
    const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
    logLine(`compose ${COMPOSE_VERSION}: downloading ${COMPOSE_MODULE} through the Go module proxy…`);
    const download = execFileSync('go', ['mod', 'download', '-json', `${COMPOSE_MODULE}@${COMPOSE_VERSION}`], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const moduleDir = JSON.parse(download).Dir;
    logLine(`compose ${COMPOSE_VERSION}: building ./cmd (about 2 minutes on 2 cores; cached afterwards)…`);
    mkdirSync(dir, { recursive: true });
    const partial = `${bin}.${process.pid}.partial`;
    try {
      const ldflags = `-s -w -X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}`;
      execFileSync('go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', partial, './cmd'], {
        cwd: moduleDir,
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const reported = composeReports(partial);
      if (reported !== wanted) throw new Error(`built compose reports "${reported}", expected "${wanted}"`);
      renameSync(partial, bin);
    } finally {
      rmSync(partial, { force: true });
    }
    logLine(`compose ${COMPOSE_VERSION}: built ${bin} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  linkCliPlugin(bin, logLine);
  return bin;
}

function linkCliPlugin(bin, logLine) {
  const pluginDir = join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'cli-plugins');
  const plugin = join(pluginDir, 'docker-compose');
  let present = false;
  try {
    lstatSync(plugin);
    present = true;
  } catch {
    // absent
  }
  if (present) return;
  mkdirSync(pluginDir, { recursive: true });
  try {
    symlinkSync(bin, plugin);
  } catch {
    copyFileSync(bin, plugin);
  }
  logLine(`compose: linked ${plugin} → ${bin} (\`docker compose\`)`);
}

export function provisionCompose(logLine = log) {
  const { dockerd, docker } = ensureDockerEngine(logLine);
  const debootstrap = ensureDebootstrap(logLine);
  const compose = ensureCompose(logLine);
  return { DOCKERD_BIN: dockerd, DOCKER_BIN: docker, DEBOOTSTRAP_BIN: debootstrap, DOCKER_COMPOSE_BIN: compose };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const env = provisionCompose();
    if (process.argv.includes('--print-env')) {
      for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
    }
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
