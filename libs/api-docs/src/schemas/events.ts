// The queue and observe APIs' answers no zod schema gives (accepted events, the event log, dead letters,
// trigger state), and the small bodies the observe API checks in code.
import { type SchemaObject } from '@nestjs/swagger';
import { ref } from '../body-schemas';
import { anyJson, arrayOf, obj, type SchemaTable, slug, str } from './shared';

const deliveryStatus: SchemaObject = {
  type: 'string',
  enum: ['staged', 'processing', 'processed', 'failed', 'cancelled'],
};

const invocation = obj(
  {
    trigger: str(),
    deliveryId: str('the webhook-id of this delivery'),
    attempt: { type: 'integer', minimum: 1 },
    at: { type: 'string', format: 'date-time' },
    statusCode: { type: 'integer', nullable: true, description: 'null when no response arrived' },
    latencyMs: { type: 'number' },
    response: str('first bytes of the response body (WEBHOOK_MAX_RESPONSE_BYTES)'),
    error: { type: 'string', nullable: true },
  },
  ['trigger', 'deliveryId', 'attempt', 'at', 'statusCode', 'latencyMs', 'response', 'error'],
);

const event = obj(
  {
    id: str(),
    type: str(),
    status: { ...deliveryStatus, description: 'aggregated over the deliveries' },
    time: str('event time (RFC 3339), the CloudEvents `time`'),
    acceptedAt: { type: 'string', format: 'date-time' },
    partition: { type: 'integer', minimum: 0 },
    partitionKey: { type: 'string', nullable: true },
    payload: anyJson,
    deliveries: arrayOf(obj({ trigger: str(), status: deliveryStatus }, ['trigger', 'status'])),
  },
  ['id', 'type', 'status', 'time', 'acceptedAt', 'partition', 'partitionKey', 'payload', 'deliveries'],
);

const disabledReason = obj(
  {
    reason: { type: 'string', enum: ['gone', 'failures'] },
    at: str(),
    statusCode: { type: 'integer', nullable: true },
  },
  ['reason'],
  {
    nullable: true,
    additionalProperties: true,
    description: 'set when the workers stopped delivering (a 410, or a run of final failures)',
  },
);

const queueAccepted = obj(
  {
    id: str('the event id (same as eventId)'),
    eventId: str(),
    partition: { type: 'integer', minimum: 0 },
    deliveries: arrayOf(
      obj({ id: str('delivery id = webhook-id'), trigger: str() }, [], { additionalProperties: true }),
    ),
  },
  ['id', 'eventId', 'partition', 'deliveries'],
);

export const EVENT_SCHEMAS: SchemaTable = {
  TestEventBody: {
    type: 'object',
    properties: { payload: { ...anyJson, description: 'the event payload (default {"test": true})' } },
  },
  RedeliverBody: {
    type: 'object',
    properties: { trigger: { type: 'string', description: 'only this trigger (default: every trigger of the event)' } },
  },
  RedriveBody: {
    type: 'object',
    properties: {
      since: {
        oneOf: [{ type: 'string' }, { type: 'integer' }],
        description: 'only dead letters since (RFC 3339 or Unix ms)',
      },
      trigger: { ...slug, description: 'only deliveries to this trigger' },
    },
  },
  QueueAccepted: queueAccepted,
  QueueAnswered: {
    allOf: [
      ref('QueueAccepted'),
      obj({ result: { description: "the webhook's `response`", nullable: true } }, ['result'], {
        additionalProperties: true,
      }),
    ],
  },
  QueueBatchAccepted: obj({ events: arrayOf(ref('QueueAccepted')) }, ['events']),
  Invocation: invocation,
  Event: event,
  EventWithInvocations: {
    allOf: [
      ref('Event'),
      obj({ invocations: arrayOf(ref('Invocation')) }, ['invocations'], { additionalProperties: true }),
    ],
  },
  EventPage: obj(
    {
      events: arrayOf(ref('Event')),
      nextCursor: { type: 'string', nullable: true, description: 'pass as `cursor` for the next (older) page' },
    },
    ['events', 'nextCursor'],
  ),
  Redelivered: obj(
    {
      deliveries: arrayOf(obj({ id: str('the new delivery (webhook-id)'), trigger: str() }, ['id', 'trigger'])),
      skipped: arrayOf(
        obj(
          {
            trigger: str(),
            reason: {
              type: 'string',
              enum: ['project deleted', 'trigger deleted', 'trigger disabled'],
              description: 'why the current config cannot send to it; its past deliveries keep their status',
            },
          },
          ['trigger', 'reason'],
        ),
      ),
    },
    ['deliveries', 'skipped'],
  ),
  Redriven: obj({ redriven: { type: 'integer', minimum: 0 } }, ['redriven']),
  DeadLetterPage: obj(
    {
      entries: arrayOf(
        obj(
          {
            id: str('stream entry id'),
            eventId: str(),
            deliveryId: str('the webhook-id'),
            trigger: slug,
            type: str('event type'),
            reason: str(
              'e.g. retries-exhausted, gone, trigger deleted, held: trigger disabled by the data plane (gone)',
            ),
            statusCode: { type: 'integer', nullable: true },
            at: { type: 'string', format: 'date-time' },
          },
          ['id', 'eventId', 'deliveryId', 'trigger', 'type', 'reason', 'statusCode', 'at'],
        ),
      ),
      next: { type: 'string', nullable: true, description: 'cursor of the next page; null at the end' },
    },
    ['entries', 'next'],
  ),
  TriggerState: obj({ trigger: str(), configEnabled: { type: 'boolean' }, disabled: disabledReason }, [
    'trigger',
    'configEnabled',
    'disabled',
  ]),
};
