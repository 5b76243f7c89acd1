// Static checks of docker-compose.sentinel.yml, the override that runs Redis behind Sentinel (no Docker
// engine here, and `docker compose config` is not available): the files are merged as compose merges
// services (the override's keys on top, maps merged), then the wiring is checked the way the apps and
// redis-server read it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseRedisConnection } from '@spaceport/redis-core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandArgs, env, healthTest, type Service } from './compose-file';

const root = resolve(__dirname, '../..');
type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };
// merge: true for the `<<: *sentinel` merge keys, which compose honours
const load = (file: string): ComposeFile =>
  parse(readFileSync(join(root, file), 'utf8'), { merge: true }) as ComposeFile;
const main = load('docker-compose.yml');
const override = load('docker-compose.sentinel.yml');

/** Compose's merge of one service: scalars and sequences replaced, environment and depends_on merged. */
function merged(name: string): Service {
  const base = main.services[name] ?? {};
  const top = override.services[name] ?? {};
  const depends = (s: Service) => (Array.isArray(s.depends_on) ? {} : (s.depends_on ?? {}));
  return {
    ...base,
    ...top,
    environment: { ...env(base), ...env(top) },
    depends_on: { ...depends(base), ...depends(top) },
  };
}
const services = Object.fromEntries(
  [...new Set([...Object.keys(main.services), ...Object.keys(override.services)])].map((name) => [name, merged(name)]),
);
const APPS = ['config-service', 'gateway', 'event-worker'];
const SENTINELS = ['redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3'];
const script = (name: string): string => commandArgs(services[name] ?? {}).join(' ');
/** What an app parses once compose substituted the password. */
const appConnection = (role: string) =>
  parseRedisConnection(
    Object.fromEntries(
      Object.entries(env(services[role] ?? {})).map(([k, v]) => [k, v.replace('${REDIS_PASSWORD}', 'f00dcafe')]),
    ),
  );

describe('docker-compose.sentinel.yml', () => {
  it('adds a replica and three sentinels of the same Redis image', () => {
    for (const name of ['redis-replica', ...SENTINELS]) {
      expect(services[name]?.image, name).toBe(main.services['redis']?.image);
      expect(services[name]?.hostname, name).toBe(name);
    }
  });

  it('keeps the master as docker-compose.yml runs it (AOF, password) and lets it serve as a replica later', () => {
    const master = script('redis');
    expect(master).toContain('--appendonly yes --requirepass "$$REDIS_PASSWORD"');
    expect(master).toContain('--masterauth "$$REDIS_PASSWORD"');
    expect(master).toContain(`--replica-announce-ip ${services['redis']?.hostname}`);
  });

  it('runs the replica of the master with AOF and the password, on a volume of its own', () => {
    const replica = script('redis-replica');
    expect(replica).toMatch(/exec redis-server --appendonly yes --requirepass "\$\$REDIS_PASSWORD"/);
    expect(replica).toContain('--masterauth "$$REDIS_PASSWORD"');
    expect(replica).toContain('--replicaof redis 6379');
    expect(replica).toContain('--replica-announce-ip redis-replica');
    expect(services['redis-replica']?.volumes).toEqual(['redis-replica-data:/data']);
    expect(override.volumes).toHaveProperty('redis-replica-data');
  });

  it.each(SENTINELS)('%s writes its config when created (kept across restarts), then runs redis-sentinel', (name) => {
    const text = script(name);
    const file = /exec redis-server (\S+) --sentinel$/.exec(text)?.[1];
    expect(file, text).toBeDefined();
    expect(text).toMatch(new RegExp(`^sh -c test -f ${file} \\|\\| \\{ .*> ${file}; \\} && exec`));
    const connection = appConnection('gateway');
    if (connection.kind !== 'sentinel') throw new Error('the apps do not connect through the sentinels');
    // monitors the master the apps ask for, under the name they ask with, quorum 2 of 3
    expect(text).toContain(`'sentinel monitor ${connection.name} redis 6379 2'`);
    expect(text).toContain("'port 26379'");
    for (const line of ['requirepass', 'sentinel sentinel-pass', `sentinel auth-pass ${connection.name}`])
      expect(text).toContain(`"${line} $$REDIS_PASSWORD"`);
    expect(text).toContain("'sentinel resolve-hostnames yes' 'sentinel announce-hostnames yes'");
    expect(text).toContain('"sentinel announce-ip $$(hostname)"');
    expect(env(services[name] ?? {})['REDIS_PASSWORD']).toMatch(/^\$\{REDIS_PASSWORD:\?.+\}$/);
    expect(healthTest(services[name] ?? {})).toContain(
      `REDISCLI_AUTH="$$REDIS_PASSWORD" redis-cli -p 26379 sentinel get-master-addr-by-name ${connection.name}`,
    );
  });

  it.each(APPS)('%s connects through the three sentinels, with the password, and no longer by REDIS_URL', (role) => {
    expect(appConnection(role)).toEqual({
      kind: 'sentinel',
      sentinels: SENTINELS.map((host) => ({ host, port: 26379 })),
      name: 'spaceport',
      password: 'f00dcafe',
      sentinelPassword: 'f00dcafe',
      tls: false,
    });
    expect(env(services[role] ?? {})['REDIS_URL']).toBe('');
  });

  it('has a healthcheck on every service and every app waits for healthy sentinels', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(healthTest(service), `${name} healthcheck`).not.toBe('');
      for (const [dep, spec] of Object.entries(service.depends_on ?? {})) {
        expect(spec.condition, `${name} → ${dep}`).toBe('service_healthy');
        expect(services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
      }
    }
    for (const role of APPS)
      expect(Object.keys(services[role]?.depends_on ?? {})).toEqual(expect.arrayContaining(SENTINELS));
  });
});
