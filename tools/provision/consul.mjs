// Provision a real Consul binary: CONSUL_BIN if set, else a pinned release built from its Go
// module (tools/consul/go.mod) with the machine's Go toolchain, cached outside the repo.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const consulModuleDir = resolve(here, '../consul');
// Every module (Consul and its sibling modules included) is in the public checksum database and in go.sum.
const goEnv = { GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' };

export function pinnedConsulVersion() {
  const goMod = readFileSync(join(consulModuleDir, 'go.mod'), 'utf8');
  const match = /^\s*github\.com\/hashicorp\/consul (v\d+\.\d+\.\d+)\b/m.exec(goMod);
  if (!match) throw new Error('tools/consul/go.mod does not require github.com/hashicorp/consul');
  return match[1];
}

export function cacheRoot() {
  if (process.env.SPACEPORT_CACHE_DIR) return process.env.SPACEPORT_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spaceport');
}

function goCommand() {
  const probe = spawnSync('go', ['env', 'GOOS', 'GOARCH'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  const [goos, goarch] = probe.stdout.trim().split('\n');
  return { goos, goarch };
}

function checkRuns(bin, name) {
  const run = spawnSync(bin, ['version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`${name}=${bin} does not run: ${run.error?.message ?? run.stderr.trim()}`);
  }
  return run.stdout.split('\n')[0];
}

/** Throws unless `consul version` of bin prints exactly `Consul <version>` on its first line. */
function checkVersion(bin, version) {
  const first = checkRuns(bin, 'consul');
  if (first !== `Consul ${version}`) {
    throw new Error(`${bin} reports "${first}", expected "Consul ${version}" (tools/consul/go.mod)`);
  }
  return first;
}

/** @param {(line: string) => void} log */
export function ensureConsul(log) {
  if (process.env.CONSUL_BIN) {
    const version = checkRuns(process.env.CONSUL_BIN, 'CONSUL_BIN');
    log(`consul: using CONSUL_BIN=${process.env.CONSUL_BIN} (${version})`);
    return process.env.CONSUL_BIN;
  }
  const version = pinnedConsulVersion();
  const go = goCommand();
  if (!go) {
    throw new Error(
      `consul ${version} is built from source and needs the Go toolchain (go >= 1.25) on PATH; ` +
        'install Go from your distribution or https://go.dev/dl, or set CONSUL_BIN to an existing consul binary.',
    );
  }
  const dir = join(cacheRoot(), 'consul', `${version}-${go.goos}-${go.goarch}`);
  const bin = join(dir, 'consul');
  if (existsSync(bin)) {
    checkVersion(bin, version);
    log(`consul ${version}: cached at ${bin}`);
    return bin;
  }
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const env = { ...process.env, ...goEnv };
  log(`consul ${version}: downloading modules through the Go module proxy…`);
  execFileSync('go', ['mod', 'download'], { cwd: consulModuleDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  log(`consul ${version}: building (a few minutes on 2 cores; cached afterwards)…`);
  const partial = `${bin}.${process.pid}.partial`;
  try {
    execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', partial, 'github.com/hashicorp/consul'], {
      cwd: consulModuleDir,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    checkVersion(partial, version);
    renameSync(partial, bin);
  } finally {
    rmSync(partial, { force: true });
  }
  log(`consul ${version}: built ${bin} (Consul ${version}) in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}
