// Static checks of docker-compose.yml, the Dockerfile and .dockerignore (no Docker engine needed):
// the stack is wired the way the apps read their configuration and the way `npm run build` emits.
import { existsSync, readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { join, posix, resolve } from 'node:path';
import { parseRedisConnection } from '@spaceport/redis-core';
import { type NodeRole, parseBoolean, parseNodeOptions } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseReceiverSettings } from '../../apps/demo-receiver/src/receiver-settings';
import { DEFAULT_DEMO_WEBHOOK_SECRET, DEMO_RECEIVER_PORT } from '../demo/demo-defaults.mjs';
import { pinnedConsulVersion } from '../provision/consul.mjs';
import { commandArgs, env, healthTest, type Service } from './compose-file';
import { effective, execForm, parseDockerfile, stageChain } from './dockerfile';

const root = resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

interface Network {
  ipam?: { config?: { subnet?: string }[] };
}

const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, Network>;
};
const services = compose.services;
const APPS: NodeRole[] = ['gateway', 'config-service', 'event-worker'];
const INFRA = ['consul', 'redis'];
const DEMO = 'demo-receiver';

/** What compose substitutes for `${VAR:-default}` when VAR is unset (other values as written). */
const unsetDefault = (value: string | undefined): string => /^\$\{\w+:-(.*)\}$/.exec(value ?? '')?.[1] ?? value ?? '';
/** Every `${VAR:-default}` inside `value` as compose substitutes it when VAR is unset. */
const withDefaults = (value: string): string => value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');

function networksOf(service: Service): Record<string, { ipv4_address?: string } | null> {
  const raw = service.networks ?? ['default'];
  return Array.isArray(raw) ? Object.fromEntries(raw.map((name) => [name, null])) : raw;
}

/** What the app inside would resolve: the same parser the app runs, with the service's env. */
const appOptions = (role: NodeRole) =>
  parseNodeOptions(role, commandArgs(services[role] ?? {}), env(services[role] ?? {}));

function hostBindings(service: Service): { published: number; target: number }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { published: Number(port.published ?? NaN), target: port.target };
    const parts = withDefaults(String(port)).split('/')[0]?.split(':') ?? [];
    const target = Number(parts.pop());
    return { published: parts.length > 0 ? Number(parts.pop()) : NaN, target };
  });
}

/** `**` and `*` globs as tsconfig `include` uses them. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('**/')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('(?:.*/)?');
  return new RegExp(`^${body}$`);
}

describe('docker-compose.yml', () => {
  it('has the six services, each with an image or a build', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, ...INFRA, DEMO].sort());
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `${name} has neither image nor build`).toBeTruthy();
    }
  });

  it('runs one persistent Consul server, of the version the tests run, and Redis with AOF, on named volumes', () => {
    const consul = services['consul'] ?? {};
    expect(consul.image).toBe(`hashicorp/consul:${pinnedConsulVersion().replace(/^v/, '')}`);
    expect(commandArgs(consul)).toEqual(
      expect.arrayContaining(['agent', '-server', '-bootstrap-expect=1', '-ui', '-client=0.0.0.0']),
    );
    const redis = services['redis'] ?? {};
    expect(redis.image).toBe('redis:7-alpine');
    expect(commandArgs(redis).join(' ')).toMatch(/--appendonly yes/);
    // a password is required, from the environment, and the probe uses it
    expect(env(redis)['REDIS_PASSWORD']).toMatch(/^\$\{REDIS_PASSWORD:\?.+\}$/);
    expect(commandArgs(redis).join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(healthTest(redis)).toMatch(/REDISCLI_AUTH="\$\$REDIS_PASSWORD" redis-cli ping/);
    for (const [name, dir] of [
      ['consul', '/consul/data'],
      ['redis', '/data'],
    ] as const) {
      const mount = (services[name]?.volumes ?? []).map(String).find((volume) => volume.endsWith(`:${dir}`));
      const volume = mount?.split(':')[0] ?? '';
      expect(Object.keys(compose.volumes ?? {}), `${name} mounts a named volume on ${dir}`).toContain(volume);
    }
  });

  it.each(APPS)('%s runs distributed with the Consul and Redis addresses of the stack', (role) => {
    const vars = env(services[role] ?? {});
    expect(parseBoolean('ENABLE_CONSUL', vars['ENABLE_CONSUL'] ?? '')).toBe(true);
    expect(appOptions(role)).toMatchObject({ role, enableConsul: true });
    expect(vars['CONSUL_HTTP_ADDR']).toBe('consul:8500');
    expect(vars['REDIS_URL']).toBe('redis://:${REDIS_PASSWORD}@redis:6379');
    // what the app parses once compose substituted a password
    const url = vars['REDIS_URL']?.replace('${REDIS_PASSWORD}', 'f00dcafe') ?? '';
    expect(parseRedisConnection({ REDIS_URL: url })).toMatchObject({
      kind: 'single',
      host: 'redis',
      port: 6379,
      password: 'f00dcafe',
    });
  });

  // config-service and gateway report readiness (store/config, Redis, Consul reachable), so what
  // depends on them starts once they can serve; a worker's health is liveness (nothing routes to it,
  // and readiness would flap on every rebalance)
  const HEALTH_PATHS: Record<(typeof APPS)[number], string> = {
    'config-service': '/readyz',
    gateway: '/readyz',
    'event-worker': '/healthz',
  };
  it.each(APPS)('%s has a healthcheck on the port the app listens on (readiness or liveness)', (role) => {
    const test = healthTest(services[role] ?? {});
    // bash's /dev/tcp: no Node start per probe (see healthcheck.int.spec.ts)
    expect(test).toMatch(/^CMD bash -c /);
    expect(test).toContain(`/dev/tcp/127.0.0.1/${appOptions(role).port} `);
    expect(test).toContain(`GET ${HEALTH_PATHS[role]} HTTP/1.0`);
  });

  it('builds its own images and never pulls them under their local names', () => {
    for (const name of [...APPS, DEMO]) {
      expect(services[name]?.build, name).toBeDefined();
      expect(services[name]?.pull_policy, name).toBe('build');
    }
  });

  it('has a healthcheck on every service and depends only on healthy services', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(healthTest(service), `${name} healthcheck`).not.toBe('');
      const deps = service.depends_on ?? {};
      expect(Array.isArray(deps), `${name} depends_on must use the long form with conditions`).toBe(false);
      for (const [dep, spec] of Object.entries(deps)) {
        expect(spec.condition, `${name} → ${dep}`).toBe('service_healthy');
        expect(services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
      }
    }
    for (const role of APPS) {
      expect(Object.keys(services[role]?.depends_on ?? {})).toEqual(expect.arrayContaining(INFRA));
    }
  });

  it('lets event-worker scale: no container_name, no host ports, no fixed id, replicas from EVENT_WORKERS', () => {
    const worker = services['event-worker'] ?? {};
    // a plain `docker compose up` keeps the scale set in .env instead of going back to one
    expect(String(worker.deploy?.replicas)).toBe('${EVENT_WORKERS:-1}');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    expect(env(worker)).not.toHaveProperty('NODE_ID');
    expect(commandArgs(worker)).not.toContain('--id');
    expect(appOptions('event-worker').nodeIdGenerated).toBe(true);
  });

  it('requires the admin token from the environment instead of shipping one', () => {
    expect(env(services['gateway'] ?? {})['ADMIN_TOKEN']).toMatch(/^\$\{ADMIN_TOKEN:\?.+\}$/);
  });

  it('requires the config signing key from the environment in every app, the same for all', () => {
    const keys = ['config-service', 'gateway', 'event-worker'].map(
      (app) => env(services[app] ?? {})['CONFIG_SIGNING_KEY'],
    );
    expect(keys[0]).toMatch(/^\$\{CONFIG_SIGNING_KEY:\?.+\}$/);
    expect(new Set(keys).size).toBe(1);
    expect(env(services['demo-receiver'] ?? {})).not.toHaveProperty('CONFIG_SIGNING_KEY');
  });

  it('publishes the gateway on its default port, on loopback unless GATEWAY_BIND says otherwise', () => {
    const port = parseNodeOptions('gateway', [], {}).port;
    expect(appOptions('gateway').port).toBe(port);
    expect(hostBindings(services['gateway'] ?? {})).toContainEqual({ published: port, target: port });
    expect((services['gateway']?.ports ?? []).map(String)).toEqual([
      `\${GATEWAY_BIND:-127.0.0.1}:\${GATEWAY_PORT:-${port}}:${port}`,
    ]);
    expect((services['consul']?.ports ?? []).map(String)).toEqual(['127.0.0.1:${CONSUL_UI_PORT:-8500}:8500']);
  });
});

describe('docker-compose.yml: demo receiver', () => {
  const receiver = services[DEMO] ?? {};
  const settings = parseReceiverSettings({
    ...env(receiver),
    WEBHOOK_SECRET: unsetDefault(env(receiver)['WEBHOOK_SECRET']),
  });

  it('verifies signatures with the demo project secret that `npm run demo` seeds (DEMO_WEBHOOK_SECRET overrides both)', () => {
    expect(env(receiver)['WEBHOOK_SECRET']).toMatch(/^\$\{DEMO_WEBHOOK_SECRET:-whsec_/);
    expect(settings.secrets).toEqual([DEFAULT_DEMO_WEBHOOK_SECRET]);
  });

  it('has a /healthz healthcheck on its port and publishes it on loopback only', () => {
    expect(settings.port).toBe(DEMO_RECEIVER_PORT);
    expect(healthTest(receiver)).toContain(`/dev/tcp/127.0.0.1/${settings.port} `);
    expect(healthTest(receiver)).toContain('GET /healthz HTTP/1.0');
    expect(hostBindings(receiver)).toEqual([{ published: DEMO_RECEIVER_PORT, target: settings.port }]);
    expect((receiver.ports ?? []).map(String)).toEqual([
      `127.0.0.1:\${DEMO_RECEIVER_PORT:-${DEMO_RECEIVER_PORT}}:${DEMO_RECEIVER_PORT}`,
    ]);
  });

  it('is reachable by the workers, whose SSRF guard allows exactly its fixed address', () => {
    const address = Object.values(networksOf(receiver)).find((n) => n?.ipv4_address)?.ipv4_address ?? '';
    const [network] = Object.entries(networksOf(receiver)).find(([, n]) => n?.ipv4_address === address) ?? [];
    const worker = services['event-worker'] ?? {};
    expect(Object.keys(networksOf(worker))).toEqual(expect.arrayContaining(['default', network]));
    const [subnet, bits] = (compose.networks?.[network ?? '']?.ipam?.config?.[0]?.subnet ?? '').split('/');
    const inSubnet = new BlockList();
    inSubnet.addSubnet(subnet ?? '', Number(bits), 'ipv4');
    expect(inSubnet.check(address, 'ipv4'), `${address} in ${subnet}/${bits}`).toBe(true);
    expect(unsetDefault(env(worker)['WEBHOOK_ALLOWED_CIDRS'])).toBe(`${address}/32`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const build = JSON.parse(read('tsconfig.build.json')) as {
    compilerOptions: { rootDir: string; outDir: string };
    include: string[];
    exclude?: string[];
  };
  /** Where tsc puts the compiled form of a source file, relative to the repository root. */
  const emitted = (source: string): string =>
    posix
      .join(build.compilerOptions.outDir, posix.relative(build.compilerOptions.rootDir, source))
      .replace(/\.ts$/, '.js');

  it('builds from node:20-bookworm-slim with npm ci, npm run build and a production prune', () => {
    const image = dockerfile.args.find((arg) => arg.args.startsWith('NODE_IMAGE='))?.args.split('=')[1];
    expect(image).toBe('node:20-bookworm-slim');
    const names = dockerfile.stages.map((stage) => stage.name);
    for (const stage of dockerfile.stages) {
      expect(['${NODE_IMAGE}', image, ...names], `stage ${stage.name} FROM ${stage.base}`).toContain(stage.base);
    }
    const runs = dockerfile.stages.flatMap((stage) =>
      stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args),
    );
    expect(runs.join('\n')).toMatch(/npm ci/);
    expect(runs.join('\n')).toMatch(/npm run build/);
    expect(runs.join('\n')).toMatch(/npm prune --omit=dev/);
  });

  it('gives npm a proxy CA only as an optional build secret, never through a layer or a frontend image', () => {
    const text = read('Dockerfile');
    const npmCi = dockerfile.stages
      .flatMap((stage) => stage.instructions)
      .find((i) => i.keyword === 'RUN' && /npm ci/.test(i.args));
    expect(npmCi?.args).toMatch(/^--mount=type=secret,id=npm_ca,required=false\s/);
    const copies = dockerfile.stages.flatMap((stage) =>
      stage.instructions.filter((i) => /^(COPY|ADD)$/.test(i.keyword)),
    );
    expect(copies.filter((i) => /\.(crt|pem)\b|npm_ca|cafile/i.test(i.args))).toEqual([]);
    expect(text).not.toMatch(/^#\s*syntax=/m); // BuildKit would fetch a frontend image first
  });

  it.each([...APPS, DEMO])('target %s runs, as user node, the main.js that npm run build emits', (role) => {
    const spec = services[role]?.build;
    const target = typeof spec === 'object' ? spec.target : undefined;
    expect(target, `${role} builds a Dockerfile target`).toBe(role);
    const chain = stageChain(dockerfile.stages, target ?? '');
    expect(chain.length, `stage ${target}`).toBeGreaterThan(0);
    expect(effective(chain, 'USER')).toBe('node');
    // the workdir belongs to `node` (a standalone config-service writes its config file there)
    const runs = chain.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
    expect(runs).toContain(`chown node:node ${effective(chain, 'WORKDIR')}`);

    const source = `apps/${role}/src/main.ts`;
    expect(existsSync(join(root, source)), source).toBe(true);
    expect(
      build.include.some((glob) => globToRegExp(glob).test(source)),
      `tsconfig.build.json includes ${source}`,
    ).toBe(true);

    const command = [
      ...(effective(chain, 'ENTRYPOINT') ? execForm(effective(chain, 'ENTRYPOINT') ?? '') : []),
      ...execForm(effective(chain, 'CMD') ?? ''),
    ];
    expect(command[0]).toBe('node');
    const workdir = effective(chain, 'WORKDIR') ?? '/';
    expect(posix.resolve(workdir, command[1] ?? '')).toBe(posix.join(workdir, emitted(source)));

    // the runtime stage must carry the compiled output over from the stage that ran the build
    const outDir = build.compilerOptions.outDir;
    const copies = chain
      .flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=')))
      .map((copy) => copy.args.split(/\s+/))
      .map(([from, src, dest]) => ({
        from: from?.slice('--from='.length) ?? '',
        src: src ?? '',
        dest: posix.resolve(workdir, dest ?? ''),
      }));
    const dist = copies.find((copy) => copy.dest === posix.join(workdir, outDir));
    expect(dist, `COPY --from=… ${outDir}`).toBeDefined();
    const builder = stageChain(dockerfile.stages, dist?.from ?? '');
    expect(
      builder.flatMap((stage) => stage.instructions).some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args)),
    ).toBe(true);
    expect(dist?.src).toBe(posix.join(effective(builder, 'WORKDIR') ?? '/', outDir));
  });
});

describe('.dockerignore', () => {
  it('keeps local state and secrets out of the build context', () => {
    const entries = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(entries).toEqual(expect.arrayContaining(['node_modules', 'dist', 'tmp', '.git', '.env']));
  });
});
