// Follow-up events (docs/space-cloud.md#follow-up-events) against a real redis-server: a webhook answer's
// `event`/`events` handled twice — a delivery run again after a crash, or two workers racing on a
// duplicated job — queue each follow-up once; past EVENTING_FOLLOW_UP_MAX_DEPTH nothing is queued.
import { Module } from '@nestjs/common';
import { createEventIdGenerator, deliveryIdOf } from '@spaceport/eventing-core';
import { useRedisServer } from '@spaceport/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryJobData } from './common/delivery-job';
import { EventingCommonModule } from './common/eventing-common.module';
import { partitionQueueName, partitionQueuePrefix } from './common/keys';
import { parseWebhookAnswer, WebhookAnswers } from './delivery/webhook-answer';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

@Module({ imports: [EventingCommonModule], providers: [WebhookAnswers] })
class WebhookAnswersModule {}

const redis = useRedisServer();
const nextEventId = createEventIdGenerator();
const PARTITIONS = 4;
let admin: Redis;
let queueConnection: Redis;
let queues: Queue<DeliveryJobData>[];
let worker: RunningApp;
let answers: WebhookAnswers;

function delivered(followUpDepth = 0): DeliveryJobData {
  const eventId = nextEventId();
  return {
    project: 'shop',
    eventId,
    triggerId: 'placed',
    deliveryId: deliveryIdOf(eventId, 'placed'),
    partition: 0,
    type: 'order.placed',
    payloadJson: '{}',
    time: new Date().toISOString(),
    ordered: false,
    followUpDepth,
  };
}

/** Every job queued for the `shipped` trigger, over all partitions. */
async function shippedJobs(): Promise<DeliveryJobData[]> {
  const jobs = await Promise.all(queues.map((queue) => queue.getJobs(['waiting', 'delayed'])));
  return jobs.flat().map((job) => job.data);
}

const answer = parseWebhookAnswer(
  JSON.stringify({
    event: { type: 'order.shipped', payload: { n: 0 } },
    events: [
      { type: 'order.shipped', payload: { n: 1 } },
      { type: 'order.shipped', payload: { n: 2 }, delay: 60_000 },
    ],
  }),
);

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['EVENTING_FOLLOW_UP_MAX_DEPTH'] = '2';
  admin = new Redis(redis.redis.url);
  queueConnection = new Redis(redis.redis.url, { maxRetriesPerRequest: null });
  queues = Array.from(
    { length: PARTITIONS },
    (_, partition) =>
      new Queue<DeliveryJobData>(partitionQueueName('default', partition), {
        connection: queueConnection,
        prefix: partitionQueuePrefix('bull', 'default', partition),
      }),
  );
  const view = new StaticConfigView(
    snapshotOf(
      shopSpec({
        placed: { type: 'order.placed', url: 'http://127.0.0.1:9/placed' },
        shipped: { type: 'order.shipped', url: 'http://127.0.0.1:9/shipped' },
      }),
    ),
  );
  worker = await startTestApp('event-worker', 'worker-follow-up', WebhookAnswersModule, view);
  answers = worker.app.get(WebhookAnswers);
});

beforeEach(async () => {
  await admin.flushall();
});

afterAll(async () => {
  delete process.env['EVENTING_FOLLOW_UP_MAX_DEPTH'];
  for (const queue of queues ?? []) await queue.close();
  queueConnection?.disconnect();
  await worker?.close();
  admin?.disconnect();
});

describe('follow-up events', () => {
  it('reads Space Cloud answers: event and events queue, response answers, anything else is nothing', () => {
    expect(answer.followUps).toHaveLength(3);
    expect(parseWebhookAnswer('{"response":{"ok":true}}')).toEqual({ followUps: [], response: { ok: true } });
    for (const body of ['', 'ok', '[1]', 'null', '{"response":null}'])
      expect(parseWebhookAnswer(body)).toEqual({ followUps: [] });
  });

  it('queues each follow-up once when the same answer is handled again, or twice at once', async () => {
    const job = delivered();
    await answers.queueFollowUps(job, answer);
    await Promise.all([answers.queueFollowUps(job, answer), answers.queueFollowUps(job, answer)]);
    const jobs = await shippedJobs();
    expect(jobs.map((data) => data.payloadJson).sort()).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    expect(new Set(jobs.map((data) => data.eventId)).size).toBe(3);
    expect(jobs.every((data) => data.triggerId === 'shipped' && data.followUpDepth === 1)).toBe(true);
    // another delivery's identical answer is its own set of follow-ups
    await answers.queueFollowUps(delivered(), answer);
    expect(await shippedJobs()).toHaveLength(6);
  });

  it('queues nothing deeper than EVENTING_FOLLOW_UP_MAX_DEPTH, and skips an invalid follow-up alone', async () => {
    await answers.queueFollowUps(delivered(2), answer);
    expect(await shippedJobs()).toHaveLength(0);
    const mixed = parseWebhookAnswer(
      JSON.stringify({ events: [{ type: 'order.shipped' }, { type: 'order.shipped', payload: 'ok' }] }),
    );
    await answers.queueFollowUps(delivered(1), mixed);
    const jobs = await shippedJobs();
    expect(jobs.map((data) => [data.payloadJson, data.followUpDepth])).toEqual([['"ok"', 2]]);
  });
});
