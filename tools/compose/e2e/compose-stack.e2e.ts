// The compose path end to end (`npm run test:compose`; run.mjs provisions dockerd, Compose and the
// images first): the images built from the real Dockerfile, the real docker-compose.yml up with three
// workers, the demo, a worker and then the leader SIGKILLed, Redis and Consul restarted, `down`/`up`
// with the volumes kept. Every delivery lands in a webhook recorder and is verified with the
// standardwebhooks library; every queued event must arrive exactly once. The steps run in order.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DEMO_WEBHOOK_SECRET,
  DEMO_EVENT_TYPE,
  DEMO_PROJECT_ID,
  DEMO_PROJECT_TOKEN,
  DEMO_TRIGGER_ID,
} from '../../demo/demo-defaults.mjs';
import {
  type ComposeStack,
  RECORDER_ADDRESS,
  RECORDER_PORT,
  createComposeStack,
  gateway,
  readDeliveries,
  repoRoot,
  sleep,
  verifiedEventId,
  waitFor,
} from './compose-harness';

const run = promisify(execFile);
const IDLE_WINDOW_MS = Number(process.env['SPACEPORT_E2E_IDLE_SECONDS'] ?? 60) * 1000;
const APP_IMAGES = ['gateway', 'config-service', 'event-worker', 'demo-receiver'];

interface Member {
  id: string;
  role: string | null;
  address: string;
  health: string;
}
interface Cluster {
  members: Member[];
  leader: { nodeId: string | null } | null;
}

let stack: ComposeStack;
const queued = new Set<string>();
const measured: Record<string, number | string> = {};
const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

async function cluster(): Promise<Cluster> {
  const res = await gateway(stack, 'GET', '/v1/cluster', stack.adminToken);
  if (res.status !== 200) throw new Error(`/v1/cluster answered ${res.status}`);
  return res.body as Cluster;
}

async function workerContainers(): Promise<string[]> {
  const ids = await stack.compose(['ps', '--quiet', '--status', 'running', 'event-worker']);
  return ids.split('\n').filter((id) => id !== '');
}

/** Every container of the project is up, and healthy where it has a health check. */
async function waitHealthy(ms = 120_000): Promise<void> {
  const project = process.env['SPACEPORT_E2E_PROJECT'] ?? '';
  await waitFor('every container healthy', ms, async () => {
    const lines = (
      await stack.docker([
        'ps',
        '--all',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--format',
        '{{.Status}}',
      ])
    ).split('\n');
    return lines.every((s) => s.startsWith('Up') && !/starting|unhealthy/.test(s)) ? true : undefined;
  });
}

/** Three passing workers and a leader among them; returns the cluster status. */
async function waitCluster(workers = 3, ms = 90_000): Promise<Cluster> {
  return waitFor(`${workers} passing workers and a leader`, ms, async () => {
    const status = await cluster();
    const passing = status.members.filter((m) => m.role === 'event-worker' && m.health === 'passing');
    const leader = status.leader?.nodeId;
    return passing.length === workers && leader && passing.some((m) => m.id === leader) ? status : undefined;
  });
}

async function queue(phase: string, count = 20): Promise<string[]> {
  const events = Array.from({ length: count }, (_, n) => ({ type: DEMO_EVENT_TYPE, payload: { phase, n } }));
  const res = await gateway(stack, 'POST', `/v1/api/${DEMO_PROJECT_ID}/eventing/queue/batch`, DEMO_PROJECT_TOKEN, {
    events,
  });
  expect(res.status).toBe(202);
  const ids = (res.body as { events: { eventId: string }[] }).events.map((e) => e.eventId);
  for (const id of ids) queued.add(id);
  return ids;
}

/** Event ids of the recorded deliveries in order, each verified with standardwebhooks as it first shows up
 * (its timestamp must be recent then); throws on a bad one. */
const verifiedIds: string[] = [];
function deliveredIds(): string[] {
  const deliveries = readDeliveries(stack.deliveriesFile);
  for (const delivery of deliveries.slice(verifiedIds.length)) {
    verifiedIds.push(verifiedEventId(delivery, DEFAULT_DEMO_WEBHOOK_SECRET));
  }
  return [...verifiedIds];
}

async function waitDelivered(ids: readonly string[], ms = 120_000): Promise<void> {
  await waitFor(`${ids.length} deliveries`, ms, async () => {
    const seen = new Set(deliveredIds());
    return ids.every((id) => seen.has(id)) ? true : undefined;
  });
}

/** The worker container whose address is (or is not) the given member's. */
async function containerOf(address: string): Promise<string> {
  for (const id of await workerContainers()) {
    const ips = await stack.docker([
      'inspect',
      '--format',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}',
      id,
    ]);
    if (ips.split(' ').includes(address)) return id;
  }
  throw new Error(`no running worker container has address ${address}`);
}

/**
 * SIGKILLs the app process inside a container (a crash: `docker kill` would count as a manual stop, and
 * the restart policy would leave the container down). The container's PID 1 is its init; the app is
 * that init's child.
 */
async function crash(container: string): Promise<void> {
  const initPid = (await stack.docker(['inspect', '--format', '{{.State.Pid}}', container])).trim();
  const children = readFileSync(`/proc/${initPid}/task/${initPid}/children`, 'utf8').trim().split(/\s+/);
  const app = Number(children[0]);
  expect(app, `the app process under init ${initPid}`).toBeGreaterThan(0);
  process.kill(app, 'SIGKILL');
}

/** CPU time (ns) each service's containers used, from their cgroups (v1 cpuacct or v2 cpu.stat). */
async function cpuNsByService(): Promise<Map<string, number>> {
  const project = process.env['SPACEPORT_E2E_PROJECT'] ?? '';
  const format = '{{.ID}} {{.Label "com.docker.compose.service"}}';
  const rows = (
    await stack.docker([
      'ps',
      '--no-trunc',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      format,
    ])
  ).split('\n');
  const byService = new Map<string, number>();
  for (const [id, service] of rows.filter((r) => r !== '').map((r) => r.split(' '))) {
    const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
    const v2 = [`/sys/fs/cgroup/docker/${id}/cpu.stat`, `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`];
    const readable = (path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    };
    const ns = readable(v1) ?? v2.map(readable).find((text) => text !== undefined);
    if (ns === undefined) throw new Error(`no cgroup CPU accounting found for container ${id}`);
    const usage = ns.includes('usage_usec') ? Number(/usage_usec (\d+)/.exec(ns)?.[1]) * 1000 : Number(ns);
    byService.set(service ?? '', (byService.get(service ?? '') ?? 0) + usage);
  }
  return byService;
}

describe('docker compose: the real Dockerfile and docker-compose.yml, end to end', () => {
  beforeAll(async () => {
    stack = await createComposeStack();
    measured['images'] = process.env['SPACEPORT_E2E_IMAGES'] ?? '';
  });

  afterAll(async () => {
    console.log(`compose e2e measurements: ${JSON.stringify(measured)}`);
    try {
      await stack?.compose(['down', '--volumes', '--remove-orphans', '--timeout', '10'], 120_000);
    } finally {
      if (stack) rmSync(stack.dir, { recursive: true, force: true }); // the env file holds the tokens
    }
  });

  it('builds the four app images from the Dockerfile (npm CA only as a build secret)', async () => {
    const started = Date.now();
    await stack.compose(['build'], 600_000);
    measured['buildSeconds'] = seconds(started);
    for (const app of APP_IMAGES) {
      const bytes = Number(await stack.docker(['image', 'inspect', '--format', '{{.Size}}', `spaceport/${app}:local`]));
      expect(bytes).toBeGreaterThan(50 << 20);
      measured[`${app}ImageMB`] = Math.round(bytes / (1 << 20));
    }
    // the CA reached `npm ci` as a secret mount only: no file of the image is the bundle
    const ca = process.env['SPACEPORT_E2E_NPM_CA'];
    if (ca) {
      const bundle = readFileSync(ca);
      const find = `find / -xdev -type f -size ${bundle.length}c -exec sha256sum {} +`;
      const sameSize = await stack.docker(
        ['run', '--rm', '--user', 'root', '--entrypoint', 'sh', 'spaceport/gateway:local', '-c', find],
        120_000,
      );
      expect(sameSize).not.toContain(createHash('sha256').update(bundle).digest('hex'));
    }
  });

  it('comes up healthy with three workers from EVENT_WORKERS in the env file', async () => {
    const started = Date.now();
    await stack.compose(['up', '--detach', '--wait', '--wait-timeout', '180'], 300_000);
    measured['upHealthySeconds'] = seconds(started);
    expect(await workerContainers()).toHaveLength(3);
    await waitCluster();
  });

  it('runs the demo: 20 of 20 delivered, each signature verified with standardwebhooks', async () => {
    const { stdout } = await run(process.execPath, ['tools/demo/demo.mjs', '--events', '20', '--timeout', '120'], {
      cwd: repoRoot,
      timeout: 180_000,
      env: {
        ...process.env,
        GATEWAY_URL: stack.gatewayUrl,
        ADMIN_TOKEN: stack.adminToken,
        DEMO_RECEIVER_URL: `http://${RECORDER_ADDRESS}:${RECORDER_PORT}/webhooks`,
        SPACEPORT_STACK_STATE: join(stack.dir, 'no-local-stack.json'),
      },
    });
    expect(stdout).toContain('20/20 event(s) processed');
    const runId = /\(run (\w+)\)/.exec(stdout)?.[1];
    await waitFor('the demo run recorded', 30_000, async () => {
      const ofRun = readDeliveries(stack.deliveriesFile).filter((d) => JSON.parse(d.body).data?.run === runId);
      return ofRun.length >= 20 ? ofRun : undefined;
    }).then((ofRun) => {
      const ids = ofRun.map((d) => verifiedEventId(d, DEFAULT_DEMO_WEBHOOK_SECRET));
      expect(new Set(ids).size).toBe(20);
      for (const id of ids) queued.add(id);
    });
  });

  it('keeps delivering when a worker is SIGKILLed, and the worker comes back', async () => {
    const status = await waitCluster();
    const victim = status.members.find((m) => m.role === 'event-worker' && m.id !== status.leader?.nodeId);
    await crash(await containerOf(victim?.address ?? ''));
    await waitDelivered(await queue('worker-killed'));
    await waitHealthy();
    await waitCluster();
  });

  it('replaces a SIGKILLed leader and keeps delivering', async () => {
    const status = await waitCluster();
    const leader = status.members.find((m) => m.id === status.leader?.nodeId);
    const killed = Date.now();
    await crash(await containerOf(leader?.address ?? ''));
    await waitFor('a new leader', 60_000, async () => {
      const nodeId = (await cluster()).leader?.nodeId;
      return nodeId && nodeId !== leader?.id ? nodeId : undefined;
    });
    measured['newLeaderSeconds'] = seconds(killed);
    await waitDelivered(await queue('leader-killed'));
    await waitHealthy();
    await waitCluster();
  });

  it('keeps delivering across a Redis restart', async () => {
    await stack.compose(['restart', 'redis']);
    await waitHealthy();
    await waitDelivered(await queue('redis-restarted'));
  });

  it('keeps delivering across a Consul restart', async () => {
    await stack.compose(['restart', 'consul']);
    await waitHealthy();
    await waitCluster();
    await waitDelivered(await queue('consul-restarted'));
  });

  it('keeps config and queued events over down/up with the volumes kept', async () => {
    await stack.compose(['stop', 'event-worker']);
    const waiting = await queue('queued-over-down-up');
    await stack.compose(['down', '--timeout', '10']);
    const started = Date.now();
    await stack.compose(['up', '--detach', '--wait', '--wait-timeout', '180'], 300_000);
    measured['upAgainSeconds'] = seconds(started);
    expect(await workerContainers()).toHaveLength(3); // a plain `up` keeps EVENT_WORKERS=3
    const trigger = await gateway(
      stack,
      'GET',
      `/v1/config/projects/${DEMO_PROJECT_ID}/eventing/triggers/${DEMO_TRIGGER_ID}`,
      stack.adminToken,
    );
    expect(trigger.status).toBe(200);
    await waitDelivered(waiting);
  });

  it('delivered every queued event exactly once, each signature verified', async () => {
    await sleep(2_000); // a duplicate would come in right behind its first copy
    const ids = deliveredIds();
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    measured['deliveries'] = ids.length;
    expect(queued.size).toBe(120); // the demo and five steps of 20
    expect([...queued].filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(ids.length).toBe(queued.size);
  });

  it(`idles lightly: CPU of all containers over ${IDLE_WINDOW_MS / 1000} s, under 10 % of 2 cores`, async () => {
    await waitCluster();
    await sleep(10_000); // past start-up work of the `up` before
    const before = await cpuNsByService();
    await sleep(IDLE_WINDOW_MS);
    const after = await cpuNsByService();
    const percent = (ns: number) => Math.round((ns / 1e6 / IDLE_WINDOW_MS / 2) * 10_000) / 100; // of 2 cores
    let total = 0;
    for (const [service, ns] of after) {
      total += ns - (before.get(service) ?? 0);
      measured[`idleCpu.${service}`] = percent(ns - (before.get(service) ?? 0));
    }
    measured['idleCpuPercentOf2Cores'] = percent(total);
    // with the earlier `node -e fetch(…)` health probes the same stack idled at 16.9 % (measured)
    expect(percent(total)).toBeLessThan(10);
  });
});
