// Authenticated config messages end to end (docs/config-plane.md#authenticated-messages): the built apps
// (npm run build first) on a real redis-server, standalone mode. Whoever can PUBLISH on that Redis —
// without the cluster key, with a wrong one, replaying a genuine message, or with an old sequence — pushes
// no config to any app, and each attempt is counted by every app that received it. A key rotation through
// CONFIG_SIGNING_KEY_PREVIOUS keeps the plane working at every step; a missing or short key stops start-up.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  type AppName,
  AppStack,
  call,
  entryOf,
  type LaunchedApp,
  newSigningKey,
  projectBody,
  runAppToExit,
  sampleSum,
  scrapeMetrics,
  useRedisServer,
  waitFor,
} from '@spaceport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_LABEL, signEnvelope, type SignedEnvelope } from './signing/envelope';
import { configPlaneChannels } from './protocol';

const ADMIN = 'admin-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const CLUSTER = 'sig';
const CHANNELS = configPlaneChannels(CLUSTER);
const APPS: AppName[] = ['gateway', 'config-service', 'event-worker'];
const METRIC = 'spaceport_config_messages_rejected_total';

beforeAll(() => {
  for (const app of APPS) {
    if (!existsSync(entryOf(app))) throw new Error(`${entryOf(app)} missing: run \`npm run build\` first`);
  }
});

const redis = useRedisServer();
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
});

async function startStack(workDir: string): Promise<AppStack> {
  mkdirSync(workDir, { recursive: true });
  const stack = new AppStack({
    workDir,
    redisUrl: redis.redis.url,
    configPath: join(workDir, 'spaceport.yaml'),
    clusterId: CLUSTER,
    adminToken: ADMIN,
    readToken: READ,
    heartbeat: '200ms',
  });
  closers.push(() => stack.stopAll());
  await stack.launch('config-service', 'config-service');
  await Promise.all([stack.launch('gateway', 'gateway'), stack.launch('event-worker', 'worker')]);
  await stack.waitForMirrors('every app holds a config', (s) => s.status === 'ready');
  return stack;
}

function app(stack: AppStack, name: string): LaunchedApp {
  const found = stack.apps.find((a) => a.name === name);
  if (!found) throw new Error(`no app ${name}`);
  return found;
}

/** Creates project `id` through the gateway and waits until every mirror holds it. */
async function createProject(stack: AppStack, id: string): Promise<void> {
  const res = await call(app(stack, 'gateway').url, 'POST', `/v1/config/projects/${id}`, ADMIN, projectBody(id));
  expect(res.status).toBe(200);
  await stack.waitForMirrors(`project ${id} everywhere`, (s) => s.config.projects[id] !== undefined);
}

async function rejected(target: LaunchedApp, reason: string): Promise<number> {
  return sampleSum(await scrapeMetrics(target.url), METRIC, { reason });
}

/** Waits until every app in `targets` counted one more rejection for `reason` than in `before`. */
async function awaitRejected(targets: LaunchedApp[], reason: string, before: number[]): Promise<void> {
  await waitFor(
    async () => (await Promise.all(targets.map((t) => rejected(t, reason)))).every((n, i) => n > (before[i] ?? 0)),
    { what: `a ${reason} message counted by ${targets.map((t) => t.name).join(', ')}`, timeoutMs: 5_000 },
  );
}

/** A raw subscriber on the publication channel: the genuine signed messages, as an eavesdropper sees them. */
async function eavesdrop(): Promise<string[]> {
  const seen: string[] = [];
  const sub = new Redis(redis.redis.url);
  closers.push(async () => sub.disconnect());
  sub.on('message', (_channel: string, message: string) => void seen.push(message));
  await sub.subscribe(CHANNELS.changed);
  return seen;
}

interface GenuinePacket {
  data: { origin: string; seq: number; snapshot: { version: number; projects: Record<string, unknown> } };
}

/** A Nest event packet for the publication channel carrying a snapshot with project `evil` at version 10⁶. */
function forgedPublication(genuine: string): string {
  const packet = JSON.parse((JSON.parse(genuine) as SignedEnvelope).body) as GenuinePacket;
  const { snapshot } = packet.data;
  snapshot.version = 1_000_000;
  snapshot.projects['evil'] = Object.values(snapshot.projects)[0];
  packet.data.origin = 'forger.1';
  packet.data.seq = 1_000_000;
  return JSON.stringify(packet);
}

function sign(key: string, body: string, fields: Partial<SignedEnvelope> = {}, channel = CHANNELS.changed): string {
  const draft = {
    label: MESSAGE_LABEL,
    cluster: CLUSTER,
    sentAt: Date.now(),
    origin: 'forger',
    seq: 1,
    nonce: randomBytes(16).toString('base64url'),
    inReplyTo: null,
    body,
    ...fields,
  };
  return JSON.stringify(signEnvelope(Buffer.from(key, 'base64url'), channel, draft));
}

async function expectNoForgedConfig(stack: AppStack): Promise<void> {
  for (const mirror of stack.apps.filter((a) => a.app !== 'config-service')) {
    const status = await stack.readyz(mirror);
    expect(status?.config.projects['evil']).toBeUndefined();
    expect(status?.config.version).toBeLessThan(1_000_000);
  }
}

describe('config messages signed with the cluster key', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-config-signing-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('a forged, a replayed and an out-of-sequence publication are dropped and counted by every mirror', async () => {
    const stack = await startStack(join(workDir, 'forgery'));
    const mirrors = [app(stack, 'gateway'), app(stack, 'worker')];
    const publications = await eavesdrop();
    await createProject(stack, 'shop');
    await waitFor(() => publications.length > 0, { what: 'a genuine publication seen on Redis', timeoutMs: 5_000 });
    const genuine = publications[0] ?? '';
    const forged = forgedPublication(genuine);
    const publisher = new Redis(redis.redis.url);
    closers.push(async () => publisher.disconnect());
    const attempt = async (reason: string, message: string): Promise<void> => {
      const before = await Promise.all(mirrors.map((m) => rejected(m, reason)));
      await publisher.publish(CHANNELS.changed, message);
      await awaitRejected(mirrors, reason, before);
      await expectNoForgedConfig(stack);
    };

    // a Nest packet as the transport sent it before signing
    await attempt('unsigned', forged);
    // an envelope signed with a key that is not the cluster's
    await attempt('bad-signature', sign(newSigningKey(), forged));
    // the genuine envelope with the forged body in it (its signature no longer matches)
    await attempt('bad-signature', JSON.stringify({ ...(JSON.parse(genuine) as SignedEnvelope), body: forged }));
    // a genuine message again, after a newer config: it would roll `shop2` back
    await createProject(stack, 'shop2');
    await attempt('replayed', genuine);
    expect((await stack.readyz(mirrors[0] as LaunchedApp))?.config.projects['shop2']).toBeDefined();
    // with the key (as if a captured message outlived the nonce memory): older than 60 s, or a seq that
    // lies a window (1024) below what its sender already sent
    await attempt('expired', sign(stack.signingKey, forged, { sentAt: Date.now() - 61_000 }));
    const { origin, seq, snapshot } = (JSON.parse((JSON.parse(genuine) as SignedEnvelope).body) as GenuinePacket).data;
    const data = { origin, seq, version: snapshot.version, sentAt: Date.now(), sourceAvailable: true };
    const heartbeat = JSON.stringify({ pattern: CHANNELS.heartbeat, data }); // harmless: an old position
    await publisher.publish(CHANNELS.heartbeat, sign(stack.signingKey, heartbeat, { seq: 5_000 }, CHANNELS.heartbeat));
    await attempt('old-sequence', sign(stack.signingKey, forged, { seq: 10 }));

    // the plane still works: a genuine change reaches every mirror
    await createProject(stack, 'shop3');
  });

  it('a rotation through CONFIG_SIGNING_KEY_PREVIOUS keeps every app in step; an app with another key gets nothing', async () => {
    const stack = await startStack(join(workDir, 'rotation'));
    const oldKey = stack.signingKey;
    const newKey = newSigningKey();
    // docs/operations.md#rotating-the-config-signing-key: three rolling restarts, one app at a time
    const steps: Array<[string, NodeJS.ProcessEnv]> = [
      ['accept the new key', { CONFIG_SIGNING_KEY: oldKey, CONFIG_SIGNING_KEY_PREVIOUS: newKey }],
      ['sign with the new key', { CONFIG_SIGNING_KEY: newKey, CONFIG_SIGNING_KEY_PREVIOUS: oldKey }],
      ['drop the old key', { CONFIG_SIGNING_KEY: newKey, CONFIG_SIGNING_KEY_PREVIOUS: '' }],
    ];
    let n = 0;
    for (const [step, env] of steps) {
      for (const name of ['config-service', 'gateway', 'worker']) {
        const running = app(stack, name);
        await running.proc.stop(3_000);
        await stack.launch(running.app, name, undefined, env);
        await stack.waitForMirrors(`${step}: every app holds a config after ${name}'s restart`, (s) => {
          return s.status === 'ready' && s.config.state === 'in-sync';
        });
        n += 1;
        await createProject(stack, `p${n}`); // a write through the gateway, applied by every mirror
      }
    }
    for (const target of stack.apps) expect(await rejected(target, 'bad-signature')).toBe(0);

    // a worker on a key the cluster does not know holds no config and counts what it cannot trust
    const stranger = await stack.launch('event-worker', 'stranger', undefined, { CONFIG_SIGNING_KEY: oldKey });
    await waitFor(async () => (await rejected(stranger, 'bad-signature')) > 0, {
      what: 'the stranger drops the cluster heartbeats',
      timeoutMs: 5_000,
    });
    expect((await stack.readyz(stranger))?.status).toBe('waiting');
  });
});

describe('CONFIG_SIGNING_KEY at start-up', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-config-signing-refusal-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));
  const short = newSigningKey().slice(0, 42);

  it.each(APPS)('%s: a missing or 42-character key exits 2 naming the variable, never the value', async (name) => {
    const missing = await runAppToExit(name, workDir, { CONFIG_SIGNING_KEY: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      new RegExp(`^spaceport ${name}: invalid configuration: CONFIG_SIGNING_KEY: is required`),
    );
    const tooShort = await runAppToExit(name, workDir, { CONFIG_SIGNING_KEY: short });
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(
      new RegExp(`^spaceport ${name}: invalid configuration: CONFIG_SIGNING_KEY: is too short`),
    );
    expect(tooShort.stderr + tooShort.stdout).not.toContain(short);
  });
});
