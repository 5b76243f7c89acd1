// A SIGTERM ends the built event-worker within its stated bound even when its Redis is stuck, with real
// processes: a redis-server, the config-service, a gateway and one worker (standalone) delivering a steady
// stream to a receiver that answers slowly (deliveries in flight). Redis is SIGSTOPped — its sockets stay
// open and nothing answers, so BullMQ's completions and the blocking connections' disconnects have nobody
// to hear them — and the worker gets SIGTERM. It must exit by itself within the partition consumers' stop
// grace plus the rest of the shutdown, long before the process-wide SHUTDOWN_TIMEOUT_MS (exit 1), with
// a log line naming what was still running. And with Redis well, a SIGTERM is the graceful stop: exit 0
// once the deliveries in flight are answered, without that line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppStack,
  type LaunchedApp,
  projectBody,
  redisCommand,
  runEventStream,
  sleep,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { PARTITION_STOP_GRACE_MS } from '@spaceport/eventing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const STOP_GRACE_MS = PARTITION_STOP_GRACE_MS;
const STUCK_LINE = 'partition consumers still stopping after the grace';
const redis = useRedisServer();

/** Jobs BullMQ holds as active (taken by a worker, not completed) over every partition queue. */
async function activeJobs(port: number): Promise<number> {
  let total = 0;
  for (const key of (await redisCommand(port, 'KEYS', '*:active')) as string[])
    total += Number(await redisCommand(port, 'LLEN', key));
  return total;
}

interface Exit {
  code: number | null;
  tookMs: number;
}

/** SIGTERMs `worker` and waits, at most 15 s, for it to exit. */
async function terminate(worker: LaunchedApp): Promise<Exit> {
  const started = performance.now();
  worker.proc.signal('SIGTERM');
  await Promise.race([worker.proc.waitForExit(), sleep(15_000)]);
  return { code: worker.proc.running ? null : worker.proc.exitCode, tookMs: performance.now() - started };
}

describe('SIGTERM to a built event-worker', { timeout: 90_000 }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-shutdown-bound-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let receiver: WebhookReceiver;
  let redisStopped = false;

  beforeAll(async () => {
    receiver = await new WebhookReceiver(() => ({ status: 204, delayMs: 400 })).start();
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      clusterId: 'bound',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '200ms',
      configPath: join(workDir, 'spaceport.yaml'),
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
    });
    await stack.launch('config-service', 'config-service');
    gateway = await stack.launch('gateway', 'gateway');
    // a config write answers 503 until the gateway's mirror holds the config (as launchDeliveringSet waits)
    await stack.waitForMirrors('config loaded', (s) => s.config.state === 'in-sync', 20_000);
    await stack.createTrigger(gateway, `${receiver.url}/hook`);
  }, 60_000);

  afterEach(() => {
    if (redisStopped) redis.redis.process.signal('SIGCONT');
    redisStopped = false;
  });

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** A worker delivering a steady stream: resolves once it has delivered `n` more. */
  async function deliveringWorker(name: string, n: number): Promise<LaunchedApp> {
    const worker = await stack.launch('event-worker', name);
    const before = receiver.received.length;
    void runEventStream({
      gatewayUrl: gateway.url,
      project: 'shop',
      token: PROJECT_TOKEN,
      total: 200,
      perSecond: 40,
      maxInFlight: 8,
    });
    await waitFor(() => receiver.received.length >= before + n, {
      what: `${n} deliveries by ${name}`,
      timeoutMs: 20_000,
    });
    return worker;
  }

  it('with Redis well: exits 0 once the deliveries in flight are answered', async () => {
    const worker = await deliveringWorker('worker-quiet', 10);
    const exit = await terminate(worker);
    expect(exit.code).toBe(0);
    expect(exit.tookMs).toBeLessThan(STOP_GRACE_MS);
    expect(readFileSync(worker.logFile, 'utf8')).not.toContain(STUCK_LINE);
    expect(await activeJobs(redis.redis.port)).toBe(0); // every job it took was completed
  });

  it('with its Redis SIGSTOPped: exits within the stop grace plus 2 s, naming what was still running', async () => {
    const worker = await deliveringWorker('worker-stuck', 10);
    redis.redis.process.signal('SIGSTOP');
    redisStopped = true;
    await sleep(300); // replies pending now: completions, the blocking pops, the ledger
    const exit = await terminate(worker);
    expect(exit.code).not.toBeNull();
    expect(exit.tookMs).toBeGreaterThanOrEqual(STOP_GRACE_MS - 100); // stuck: the grace is what ended it
    expect(exit.tookMs).toBeLessThan(STOP_GRACE_MS + 2_000);
    const log = readFileSync(worker.logFile, 'utf8');
    expect(log).toContain(STUCK_LINE);
    expect(log).not.toContain('graceful shutdown timed out');
    expect(exit.code).toBe(0);
  });
});
