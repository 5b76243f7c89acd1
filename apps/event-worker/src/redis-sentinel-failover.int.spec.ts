// Redis through Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME), with the real built processes in
// distributed mode (config-service, gateway, two event-workers, Consul) on a master, a replica and three
// sentinels. Events are queued and delivered through the master the sentinels name; then the master is
// SIGKILLed under a steady event stream: every app must reconnect to the promoted replica by itself,
// ingest must answer only 202 or 503 with Retry-After meanwhile, and every event answered 202 must be
// delivered — or, when Redis's asynchronous replication lost it, be unknown to the event log (404).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AcceptedEvent,
  AppStack,
  deliveredTo,
  duplicatesAwayFromKill,
  failoverTimings,
  type LaunchedApp,
  projectBody,
  runAppToExit,
  runEventStream,
  settleAccepted,
  sleep,
  useConsulAgent,
  useRedisSentinel,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const STREAM = { total: 900, perSecond: 60, maxInFlight: 16 };
const NODE_IDS = ['config-service', 'gateway', 'worker-1', 'worker-2'];
const consul = useConsulAgent();
const topology = useRedisSentinel();

/** Distinct client names of our apps connected to the Redis at `address`. */
async function appClientNames(address: string): Promise<Set<string>> {
  const [host, port] = address.split(':');
  const node = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    const list = (await node.client('LIST')) as string;
    const names = [...list.matchAll(/ name=(\S+)/g)].map((match) => match[1] ?? '');
    return new Set(names.filter((name) => NODE_IDS.some((id) => name.includes(id))));
  } finally {
    node.disconnect();
  }
}

describe('Redis through Sentinel, a failover under a steady stream', { timeout: 180_000 }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-sentinel-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let receiver: WebhookReceiver;
  let master: Redis;

  beforeAll(async () => {
    const { sentinel } = topology;
    master = new Redis({ sentinels: [...sentinel.sentinelEndpoints], name: sentinel.masterName });
    master.on('error', () => undefined);
    receiver = await new WebhookReceiver(() => ({ status: 204, delayMs: 10 })).start();
    stack = new AppStack({
      workDir,
      redisSentinel: { sentinelAddresses: sentinel.sentinelAddresses, masterName: sentinel.masterName },
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: 'sentinel',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '200ms',
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    master?.disconnect();
    rmSync(workDir, { recursive: true, force: true });
  });

  const delivered = (event: AcceptedEvent): boolean => deliveredTo(receiver)(event);

  it("checks the master's maxmemory-policy at start-up (the replica's is not the one that counts)", async () => {
    await master.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const exit = await runAppToExit('config-service', workDir, {
        REDIS_SENTINELS: topology.sentinel.sentinelAddresses,
        REDIS_SENTINEL_NAME: topology.sentinel.masterName,
      });
      expect(exit.code).toBe(2);
      expect(exit.stderr).toMatch(/invalid configuration: Redis maxmemory-policy: allkeys-lru may evict/);
    } finally {
      await master.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('starts every app through the sentinels and delivers through the master they name', async () => {
    gateway = await stack.launchDeliveringSet(`${receiver.url}/hook`);
    const result = await runEventStream({
      gatewayUrl: gateway.url,
      project: 'shop',
      token: PROJECT_TOKEN,
      total: 20,
      perSecond: 100,
      maxInFlight: 4,
    });
    expect(result.accepted).toHaveLength(20);
    await waitFor(() => result.accepted.every(delivered), { what: 'the first 20 events delivered', timeoutMs: 20_000 });
    const master = await topology.sentinel.masterAddress();
    for (const app of stack.apps) {
      const redis = (await stack.readyzBody(app))?.body.details['redis'];
      expect(redis, app.name).toMatchObject({ status: 'up', node: master, maxmemoryPolicy: 'noeviction' });
    }
    const { sentinelAddresses, masterName } = topology.sentinel;
    expect(readFileSync(gateway.logFile, 'utf8')).toContain(`master ${masterName} via sentinels ${sentinelAddresses}`);
    const names = await appClientNames(master);
    for (const id of NODE_IDS)
      expect(
        [...names].some((name) => name.includes(id)),
        id,
      ).toBe(true);
  });

  it('fails over: every app reconnects by itself, ingest answers 202 or 503, accepted events are delivered or 404', async () => {
    const { sentinel } = topology;
    const oldMaster = await sentinel.masterAddress();
    const namesBefore = await appClientNames(oldMaster);
    const stream = runEventStream({ gatewayUrl: gateway.url, project: 'shop', token: PROJECT_TOKEN, ...STREAM });
    await sleep(5_000);
    const killedAt = Date.now();
    await sentinel.killMaster();
    const failover = await sentinel.waitForFailover();
    const failedOverAt = killedAt + failover.elapsedMs;
    const result = await stream;

    // every app's clients, by name, connected to the promoted master; every app ready again
    await waitFor(
      async () => {
        const names = await appClientNames(failover.newMaster);
        return [...namesBefore].every((name) => names.has(name));
      },
      { what: `every client of ${[...namesBefore].join(', ')} on ${failover.newMaster}`, timeoutMs: 30_000 },
    );
    for (const app of stack.apps)
      await waitFor(async () => (await stack.readyzBody(app))?.httpStatus === 200, { what: `${app.name} ready` });
    for (const app of stack.apps)
      expect((await stack.readyzBody(app))?.body.details['redis'], app.name).toMatchObject({
        status: 'up',
        node: failover.newMaster,
        maxmemoryPolicy: 'noeviction',
      });

    // ingest: 202, or 503 with Retry-After — never a 500, never a hang
    expect(result.refusals.filter((r) => r.status !== 503)).toEqual([]);
    expect(result.refusals.filter((r) => r.retryAfter === null)).toEqual([]);

    // every 202 is delivered, or lost by the asynchronous replication and then unknown to the log (404)
    const outcome = await settleAccepted(result.accepted, receiver, gateway.url, PROJECT_TOKEN);
    expect(outcome.unexplained).toEqual([]);

    const timing = failoverTimings(result, killedAt, receiver);
    expect(timing.acceptedAgainAt - killedAt).toBeLessThan(15_000);
    expect(timing.deliveredAgainAt - killedAt).toBeLessThan(20_000);
    // a send whose sent record the failover lost is sent again (same webhook-id): only around the kill
    expect(duplicatesAwayFromKill(receiver, killedAt)).toEqual([]);
    // no app left a Redis client without an error listener (ioredis prints these)
    for (const app of stack.apps)
      expect(readFileSync(app.logFile, 'utf8'), app.name).not.toMatch(/Unhandled error event/);
    const since = (at: number): string =>
      `${Math.round(at - killedAt)} ms after the kill (${Math.round(at - failedOverAt)} ms after the failover)`;
    console.info(
      `sentinel failover: master SIGKILLed, sentinels agreed on ${failover.newMaster} after ${failover.elapsedMs} ms; ` +
        `ingest 202 again ${since(timing.acceptedAgainAt)}; first delivery of an event accepted since ${since(timing.deliveredAgainAt)}; ` +
        `longest pause between deliveries ${timing.longestPauseMs} ms; ` +
        `${result.accepted.length} accepted, ${result.refusals.length} answered 503 with Retry-After; ` +
        `${outcome.lost.length} accepted and lost by the replication (404 in the log); ` +
        `${receiver.duplicateSends()} duplicate sends (first sent within 2 s before and 1 s after the kill)`,
    );
  });
});
