// Chaos with REDIS_WAIT_REPLICAS=1: the built apps in distributed mode (config-service, gateway, two
// event-workers, Consul) on a Sentinel topology of a master, two replicas and three sentinels. Under a
// steady event stream the master is SIGKILLed: ingest answers only 202 or 503 with Retry-After, every
// event answered 202 is delivered (none lost: each reached a replica before its 202, and Sentinel promotes
// the replica with the most data), duplicate sends stay around the kill, and every partition consumes
// again within a stated bound. Measured: new master, ingest 202 again, every partition consuming again.
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
  partitionResumeMs,
  projectBody,
  runEventStream,
  sleep,
  useConsulAgent,
  useRedisSentinel,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const STREAM = { total: 900, perSecond: 60, maxInFlight: 16 };
const PARTITIONS = 32;
/** Every partition consumes an event accepted after the failover within this long after the kill. */
const PARTITIONS_CONSUMING_BOUND_MS = 15_000;
const consul = useConsulAgent();
const topology = useRedisSentinel({ replicas: 2 });

describe('REDIS_WAIT_REPLICAS=1, the Sentinel master SIGKILLed under a steady stream', { timeout: 180_000 }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-wait-failover-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const { sentinel } = topology;
    receiver = await new WebhookReceiver(() => ({ status: 204, delayMs: 10 })).start();
    stack = new AppStack({
      workDir,
      redisSentinel: { sentinelAddresses: sentinel.sentinelAddresses, masterName: sentinel.masterName },
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: 'waitfailover',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '200ms',
      extraEnv: {
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
        CONSUL_CHECK_TTL: '3s',
        REDIS_WAIT_REPLICAS: '1',
        REDIS_WAIT_TIMEOUT_MS: '1000',
      },
    });
    gateway = await stack.launchDeliveringSet(`${receiver.url}/hook`);
  }, 90_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const delivered = (event: AcceptedEvent): boolean => deliveredTo(receiver)(event);
  const arrivalOf = (id: string): number =>
    performance.timeOrigin + (receiver.firstArrivalByWebhookId.get(id) ?? Infinity);

  it('loses no accepted event, sends twice only around the kill, and every partition consumes again', async () => {
    const warmUp = await runEventStream({
      gatewayUrl: gateway.url,
      project: 'shop',
      token: PROJECT_TOKEN,
      total: 64,
      perSecond: 100,
      maxInFlight: 8,
    });
    expect(warmUp.refusals).toEqual([]);
    await waitFor(() => warmUp.accepted.every(delivered), { what: 'the warm-up delivered', timeoutMs: 20_000 });

    const { sentinel } = topology;
    const stream = runEventStream({ gatewayUrl: gateway.url, project: 'shop', token: PROJECT_TOKEN, ...STREAM });
    await sleep(5_000);
    const killedAt = Date.now();
    await sentinel.killMaster();
    const failover = await sentinel.waitForFailover();
    const result = await stream;

    // ingest: 202, or 503 with Retry-After — never a 500, never a hang
    expect(result.refusals.filter((r) => r.status !== 503)).toEqual([]);
    expect(result.refusals.filter((r) => r.retryAfter === null)).toEqual([]);
    // every 202 delivered: none lost by the failover (without WAIT some are, see redis-sentinel-failover)
    await waitFor(() => result.accepted.every(delivered), {
      what: `all ${result.accepted.length} accepted events delivered`,
      timeoutMs: 45_000,
    }).catch((error: unknown) => {
      const missing = result.accepted.filter((event) => !delivered(event));
      throw new Error(`${missing.length} accepted events not delivered, e.g. ${missing[0]?.eventId}: ${String(error)}`);
    });
    // jobs active on the killed master run again once their lock expires (EVENTING_LOCK_MS, 30 s): the last ones
    const allDeliveredAt = Math.max(...result.accepted.flatMap((event) => event.deliveryIds.map(arrivalOf)));

    // ingest answered 202 again: the first 202 after the first refusal that followed the kill; each
    // partition: the first delivery of an event accepted since then
    const timing = failoverTimings(result, killedAt, receiver);
    const acceptedAgainAt = timing.acceptedAgainAt;
    const consumingAgainMs = partitionResumeMs(result.accepted, receiver, timing.refusingSince);
    expect([...consumingAgainMs.keys()].sort((a, b) => a - b)).toEqual([...Array(PARTITIONS).keys()]);
    const allConsumingAt = timing.refusingSince + Math.max(...consumingAgainMs.values());
    expect(allConsumingAt - killedAt).toBeLessThan(PARTITIONS_CONSUMING_BOUND_MS);

    // a send whose sent record the failover lost is sent again (same webhook-id): only around the kill
    expect(duplicatesAwayFromKill(receiver, killedAt)).toEqual([]);
    for (const app of stack.apps)
      expect(readFileSync(app.logFile, 'utf8'), app.name).not.toMatch(/Unhandled error event/);
    const after = (at: number): string => `${Math.round(at - killedAt)} ms`;
    console.info(
      `REDIS_WAIT_REPLICAS=1 sentinel failover: new master ${failover.newMaster} after ${failover.elapsedMs} ms; ` +
        `ingest 202 again after ${after(acceptedAgainAt)}; all ${PARTITIONS} partitions consuming again after ` +
        `${after(allConsumingAt)}; every accepted event delivered after ${after(allDeliveredAt)}; ` +
        `${result.accepted.length} accepted (0 lost), ${result.refusals.length} answered 503; ` +
        `${receiver.duplicateSends()} duplicate sends`,
    );
  });
});
