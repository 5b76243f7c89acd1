// Redis Cluster (REDIS_CLUSTER_NODES: 3 masters, two replicas each) with REDIS_WAIT_REPLICAS=1, with the
// real built processes in distributed mode (config-service, gateway, two event-workers, Consul). Events
// are queued and delivered over the shards; then one master is SIGKILLed under a steady event stream: a
// replica is promoted, every app follows the new slot map by itself, ingest answers only 202 or 503 with
// Retry-After meanwhile, every partition consumes again within PARTITIONS_RESUME_BOUND_MS, and every event
// answered 202 is delivered: WAIT made each reach a replica before its 202, so none is lost. Two replicas
// per master, so that the promoted one still has a replica to WAIT for (docs/operations.md#durability).
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
  settleAccepted,
  sleep,
  useConsulAgent,
  useRedisCluster,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const STREAM = { total: 900, perSecond: 60, maxInFlight: 16 };
/** From the SIGKILL until every partition that got events since delivered one of them. */
const PARTITIONS_RESUME_BOUND_MS = 15_000;
const consul = useConsulAgent();
const topology = useRedisCluster({ masters: 3, replicasPerMaster: 2 });

describe(
  'Redis Cluster with REDIS_WAIT_REPLICAS=1, a master failover under a steady stream',
  { timeout: 180_000 },
  () => {
    const workDir = mkdtempSync(join(tmpdir(), 'spaceport-cluster-'));
    let stack: AppStack;
    let gateway: LaunchedApp;
    let receiver: WebhookReceiver;

    beforeAll(async () => {
      receiver = await new WebhookReceiver(() => ({ status: 204, delayMs: 10 })).start();
      stack = new AppStack({
        workDir,
        redisCluster: { nodeAddresses: topology.cluster.nodeAddresses },
        consulAddr: consul.agent.httpAddr,
        register: true,
        clusterId: 'rcluster',
        adminToken: ADMIN,
        readToken: 'read-token-0123456789abcdef',
        heartbeat: '200ms',
        extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s', REDIS_WAIT_REPLICAS: '1' },
      });
    }, 60_000);

    afterAll(async () => {
      await stack?.stopAll();
      await receiver?.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    const delivered = (event: AcceptedEvent): boolean => deliveredTo(receiver)(event);

    it('starts every app on the cluster and delivers over every shard', async () => {
      gateway = await stack.launchDeliveringSet(`${receiver.url}/hook`);
      const result = await runEventStream({
        gatewayUrl: gateway.url,
        project: 'shop',
        token: PROJECT_TOKEN,
        total: 60,
        perSecond: 100,
        maxInFlight: 4,
      });
      expect(result.accepted).toHaveLength(60);
      await waitFor(() => result.accepted.every(delivered), {
        what: 'the first 60 events delivered',
        timeoutMs: 20_000,
      });
      // the events' partitions live on every master (a hash tag per partition)
      expect(new Set(result.accepted.map((event) => event.partition)).size).toBeGreaterThan(10);
      for (const app of stack.apps)
        expect((await stack.readyzBody(app))?.body.details['redis'], app.name).toMatchObject({ status: 'up' });
    });

    it('fails over: ingest answers 202 or 503, every partition consumes again, every accepted event is delivered', async () => {
      const { cluster } = topology;
      const stream = runEventStream({ gatewayUrl: gateway.url, project: 'shop', token: PROJECT_TOKEN, ...STREAM });
      await sleep(5_000);
      const killedAt = Date.now();
      await cluster.killMaster(0);
      const failover = await cluster.waitForFailover();
      const result = await stream;

      for (const app of stack.apps)
        await waitFor(async () => (await stack.readyzBody(app))?.httpStatus === 200, { what: `${app.name} ready` });

      // ingest: 202, or 503 with Retry-After — never a 500, never a hang
      expect(result.refusals.filter((r) => r.status !== 503)).toEqual([]);
      expect(result.refusals.filter((r) => r.retryAfter === null)).toEqual([]);

      // every 202 is delivered: with REDIS_WAIT_REPLICAS=1 none is lost with the master (no 404)
      const outcome = await settleAccepted(result.accepted, receiver, gateway.url, PROJECT_TOKEN);
      expect(outcome.unexplained).toEqual([]);
      expect(outcome.lost.map((event) => event.eventId)).toEqual([]);

      const timing = failoverTimings(result, killedAt, receiver);
      expect(timing.acceptedAgainAt - killedAt).toBeLessThan(15_000);
      expect(timing.deliveredAgainAt - killedAt).toBeLessThan(20_000);
      const resumed = partitionResumeMs(result.accepted, receiver, killedAt);
      const slowest = Math.max(...resumed.values());
      expect(resumed.size).toBeGreaterThan(20);
      expect(slowest).toBeLessThan(PARTITIONS_RESUME_BOUND_MS);
      // a send whose sent record the failover lost is sent again (same webhook-id): only around the kill
      expect(duplicatesAwayFromKill(receiver, killedAt)).toEqual([]);
      for (const app of stack.apps)
        expect(readFileSync(app.logFile, 'utf8'), app.name).not.toMatch(/Unhandled error event/);
      console.info(
        `cluster failover: master 0 SIGKILLed, ${failover.newMaster} promoted and cluster ok after ${failover.elapsedMs} ms; ` +
          `ingest 202 again after ${timing.acceptedAgainAt - killedAt} ms; first delivery of an event accepted since ` +
          `after ${Math.round(timing.deliveredAgainAt - killedAt)} ms; ${resumed.size} partitions consuming again, ` +
          `the slowest after ${slowest} ms; longest pause between deliveries ${timing.longestPauseMs} ms; ` +
          `${result.accepted.length} accepted, ${result.refusals.length} answered 503 with Retry-After; ` +
          `${outcome.lost.length} accepted and lost (REDIS_WAIT_REPLICAS=1); ` +
          `${receiver.duplicateSends()} duplicate sends (first sent within 2 s before and 1 s after the kill)`,
      );
    });
  },
);
