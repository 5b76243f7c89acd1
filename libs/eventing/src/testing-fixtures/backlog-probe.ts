// Test fixture: what an operator sees of the partitions at the gateway — GET /v1/cluster, the
// `backlog` readiness check and the partition metrics — and a stack that queues events into them.
import {
  type AppStack,
  call,
  type LaunchedApp,
  projectBody,
  type ReadyzBody,
  samplesOf,
  scrapeMetrics,
} from '@spaceport/testing';
import { expect } from 'vitest';

export const ADMIN = 'admin-token-0123456789abcdef';
export const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';

export interface PartitionView {
  partition: number;
  owner: string | null;
  epoch: number;
  backlog?: number;
  oldestWaitingMs?: number | null;
  consumer?: { worker: string; epoch: number; idleMs: number } | null;
  consuming?: boolean;
  stuck?: boolean;
  stuckReason?: 'not-consumed' | 'stalled' | null;
}

export async function partitionsAt(gateway: LaunchedApp): Promise<PartitionView[]> {
  const res = await fetch(`${gateway.url}/v1/cluster`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { partitions: PartitionView[] }).partitions;
}

/** Stuck partitions → reason, as `GET /v1/cluster` shows them. */
export async function stuckAt(gateway: LaunchedApp): Promise<Map<number, string | null | undefined>> {
  return new Map((await partitionsAt(gateway)).filter((p) => p.stuck).map((p) => [p.partition, p.stuckReason]));
}

/** Partitions whose `spaceport_partition_stuck` is 1 on the gateway. */
export async function stuckInMetrics(gateway: LaunchedApp): Promise<Set<number>> {
  const samples = samplesOf(await scrapeMetrics(gateway.url), 'spaceport_partition_stuck');
  return new Set(samples.filter((s) => s.value === 1).map((s) => Number(s.labels['partition'])));
}

export interface BacklogCheck {
  httpStatus: number;
  status: string;
  consumed: number;
  stuck: { partition: number; reason: string; owner: string | null; consumer: unknown }[];
}

/** The gateway's `backlog` readiness check, with the HTTP status of the whole `/readyz`. */
export async function backlogCheck(stack: AppStack, gateway: LaunchedApp): Promise<BacklogCheck> {
  const answer = await stack.readyzBody(gateway);
  if (!answer) throw new Error('gateway /readyz unreachable');
  const check = (answer.body as ReadyzBody).details['backlog'] as unknown as Omit<BacklogCheck, 'httpStatus'>;
  return { httpStatus: answer.httpStatus, ...check };
}

/** Creates project `shop` with trigger `paid` → `url` (fast retries) and waits until every mirror has it. */
export async function createShop(stack: AppStack, gateway: LaunchedApp, url: string): Promise<void> {
  await stack.createTrigger(gateway, url, { extra: { retrySchedule: { baseDelayMs: 50, maxDelayMs: 200 } } });
}

/** Queues one event per key (its partition key); resolves to the partitions they went to. */
export async function queueKeys(gateway: LaunchedApp, keys: readonly string[]): Promise<Set<number>> {
  const partitions = new Set<number>();
  for (const key of keys) {
    const res = await call(gateway.url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
      type: 'order.paid',
      payload: { key },
      partitionKey: key,
    });
    expect(res.status).toBe(202);
    partitions.add((res.body as { partition: number }).partition);
  }
  return partitions;
}

/** `what` took this long: logged for the commit message, returned for the bound. */
export function took(what: string, since: number): number {
  const ms = Math.round(performance.now() - since);
  console.info(`[stuck-backlog] ${what}: ${ms} ms`);
  return ms;
}
