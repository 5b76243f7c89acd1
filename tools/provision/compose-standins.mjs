// The upstream images docker-compose.yml and the Dockerfile name (node, redis, consul): pulled when a
// registry serves them; where none does, local stand-ins built under exactly those names, each labelled
// org.spaceport.standin=true, on a `debootstrap --variant=minbase bookworm` rootfs (cached as a tarball):
//   node:<tag>            the machine's node and npm (same major as the tag), user node (uid 1000)
//   redis:<tag>           Debian's redis-server, WORKDIR /data
//   hashicorp/consul:<v>  the cached Consul build of tools/provision/consul.mjs, upstream's entrypoint rules
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { cacheRoot, ensureConsul, pinnedConsulVersion } from './consul.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BASE_IMAGE = 'spaceport-standin/bookworm-minbase:local';
const STANDIN_LABEL = 'org.spaceport.standin';
const PULL_TIMEOUT_MS = 30_000;

/** The three upstream images: node (Dockerfile ARG NODE_IMAGE), redis and consul (docker-compose.yml). */
export function upstreamImages(root = repoRoot) {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const node = /^ARG NODE_IMAGE=(\S+)/m.exec(dockerfile)?.[1];
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
  const redis = compose.services?.redis?.image;
  const consul = compose.services?.consul?.image;
  if (!node || !redis || !consul)
    throw new Error('Dockerfile/docker-compose.yml: node, redis or consul image not found');
  return { node, redis, consul };
}

function dockerRunner(docker, dockerHost) {
  const env = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' };
  return {
    ok: (args, timeout = 60_000) => spawnSync(docker, args, { env, encoding: 'utf8', timeout }).status === 0,
    out: (args) => execFileSync(docker, args, { env, encoding: 'utf8' }).trim(),
    run: (args, options = {}) =>
      execFileSync(docker, args, { env, stdio: ['ignore', 'ignore', 'inherit'], ...options }),
  };
}

function buildImage(docker, name, files, log) {
  const context = mkdtempSync(join(tmpdir(), 'spaceport-standin-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      if (typeof content === 'string') writeFileSync(join(context, path), content, { mode: 0o755 });
      else cpSync(content.copyFrom, join(context, path), { recursive: true, dereference: true });
    }
    docker.run(['build', '--quiet', '--tag', name, context], { timeout: 600_000 });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  log(`stand-in ${name}: built (${docker.out(['image', 'inspect', '--format', '{{.Size}}', name]) >> 20} MB)`);
}

function ensureBase(docker, debootstrap, log) {
  if (docker.ok(['image', 'inspect', BASE_IMAGE])) return;
  const dir = join(cacheRoot(), 'compose');
  const tarball = join(dir, 'bookworm-minbase.tar');
  if (!existsSync(tarball)) {
    mkdirSync(dir, { recursive: true });
    const rootfs = mkdtempSync(join(dir, 'rootfs-'));
    const started = Date.now();
    log('stand-ins: debootstrap --variant=minbase bookworm (about a minute; cached afterwards)…');
    try {
      execFileSync(debootstrap, ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 900_000,
      });
      // like the slim upstream images: no package lists, downloaded packages, docs, man pages or locales
      for (const dir of [
        'var/lib/apt/lists',
        'var/cache/apt/archives',
        'usr/share/doc',
        'usr/share/man',
        'usr/share/locale',
      ]) {
        rmSync(join(rootfs, dir), { recursive: true, force: true });
        mkdirSync(join(rootfs, dir), { recursive: true });
      }
      mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
      mkdirSync(join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
      execFileSync('tar', ['-C', rootfs, '-cf', `${tarball}.partial`, '.']);
      execFileSync('mv', [`${tarball}.partial`, tarball]);
    } finally {
      rmSync(rootfs, { recursive: true, force: true });
    }
    log(`stand-ins: bookworm rootfs in ${Math.round((Date.now() - started) / 1000)} s → ${tarball}`);
  }
  docker.run(['import', '--change', 'CMD ["bash"]', tarball, BASE_IMAGE]);
}

function nodeStandin(name) {
  const major = /^node:(\d+)/.exec(name)?.[1];
  const hostMajor = process.versions.node.split('.')[0];
  if (major !== hostMajor)
    throw new Error(`stand-in ${name}: this machine's node is v${process.versions.node}, not major ${major}`);
  const npmDir = dirname(
    dirname(realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim())),
  );
  return {
    node: { copyFrom: realpathSync(process.execPath) },
    npm: { copyFrom: npmDir },
    Dockerfile: `FROM ${BASE_IMAGE}
LABEL ${STANDIN_LABEL}=true
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
`,
  };
}

function redisStandin() {
  return {
    Dockerfile: `FROM ${BASE_IMAGE}
LABEL ${STANDIN_LABEL}=true
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
`,
  };
}

function consulStandin(name, log) {
  const tag = /:v?(\d+\.\d+\.\d+)$/.exec(name)?.[1];
  const built = pinnedConsulVersion().replace(/^v/, '');
  if (tag !== built) throw new Error(`stand-in ${name}: the Consul build here is ${built} (tools/consul/go.mod)`);
  return {
    consul: { copyFrom: ensureConsul(log) },
    // upstream's rules: `agent …` runs with its data and config directories, other consul commands as such
    'docker-entrypoint.sh': `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ]; then set -- agent "$@"; fi
if [ "$1" = agent ]; then shift; set -- consul agent -data-dir=/consul/data -config-dir=/consul/config "$@"
elif consul --help "$1" >/dev/null 2>&1; then set -- consul "$@"
fi
exec "$@"
`,
    Dockerfile: `FROM ${BASE_IMAGE}
LABEL ${STANDIN_LABEL}=true
COPY consul /bin/consul
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN mkdir -p /consul/data /consul/config
VOLUME /consul/data
EXPOSE 8300 8301 8302 8500 8600
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["agent", "-dev", "-client", "0.0.0.0"]
`,
  };
}

/**
 * Makes the three upstream images present in the dockerd at dockerHost. Returns, per image, where it
 * came from: 'present', 'present (stand-in)', 'pulled' or 'stand-in'.
 * @param {{ docker: string, dockerHost: string, debootstrap: string, log: (line: string) => void }} tools
 */
export function ensureUpstreamImages({ docker: dockerBin, dockerHost, debootstrap, log }) {
  const docker = dockerRunner(dockerBin, dockerHost);
  const images = upstreamImages();
  const origin = {};
  for (const [kind, name] of Object.entries(images)) {
    if (docker.ok(['image', 'inspect', name])) {
      const label = docker.out(['image', 'inspect', '--format', `{{index .Config.Labels "${STANDIN_LABEL}"}}`, name]);
      origin[name] = label === 'true' ? 'present (stand-in)' : 'present';
    } else if (docker.ok(['pull', '--quiet', name], PULL_TIMEOUT_MS)) {
      origin[name] = 'pulled';
    } else {
      log(`${name}: no registry serves it here; building a local stand-in under that name`);
      ensureBase(docker, debootstrap, log);
      const files = kind === 'node' ? nodeStandin(name) : kind === 'redis' ? redisStandin() : consulStandin(name, log);
      buildImage(docker, name, files, log);
      origin[name] = 'stand-in';
    }
    log(`${name}: ${origin[name]}`);
  }
  return origin;
}
