// Find a program: an env var naming it, else on PATH, else Debian's package installed with apt-get (as root).
import { execFileSync, spawnSync } from 'node:child_process';

/** How long apt-get waits for another apt run's lock before it gives up. */
const APT_LOCK_TIMEOUT_S = 300;

export function which(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function versionOf(bin, label) {
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0)
    throw new Error(`${label}=${bin} does not run: ${run.error?.message ?? run.stderr}`);
  return run.stdout.trim().split('\n').at(-1);
}

/**
 * @param {{ command: string, envVar: string, debianPackage: string, log: (line: string) => void }} tool
 * @returns {string} the path of the program
 */
export function ensureDebianProgram({ command, envVar, debianPackage, log }) {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    log(`${command}: using ${envVar}=${fromEnv} (${versionOf(fromEnv, envVar)})`);
    return fromEnv;
  }
  let bin = which(command);
  if (!bin) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!which('apt-get') || !isRoot) {
      throw new Error(`${command} not found: install it (Debian: apt-get install ${debianPackage}) or set ${envVar}.`);
    }
    log(`${command}: installing Debian package ${debianPackage}…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // another apt run (unattended-upgrades on a fresh machine, a second provisioning) holds dpkg's lock
    // for a while: wait for it instead of failing at once
    const waitForLock = ['-o', `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_S}`];
    execFileSync('apt-get', [...waitForLock, 'update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('apt-get', [...waitForLock, 'install', '-y', '-qq', '--no-install-recommends', debianPackage], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    bin = which(command);
    if (!bin) throw new Error(`apt-get installed ${debianPackage} but ${command} is not on PATH`);
  }
  log(`${command}: ${bin} (${versionOf(bin, command)})`);
  return bin;
}
