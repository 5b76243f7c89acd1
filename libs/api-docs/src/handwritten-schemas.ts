// JSON schemas (OpenAPI 3.0 dialect) of the bodies no zod schema validates: the answers the services
// build (event log, cluster status, errors, health) and the two small bodies the event log API checks
// in code. Every body a zod schema validates is generated from it (body-schemas.ts).
import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { REDACTED, SLUG_PATTERN } from '@spaceport/config-model';
import { ref } from './body-schemas';

type Schema = SchemaObject | ReferenceObject;

const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const obj = (properties: Record<string, Schema>, required: string[] = [], extra: SchemaObject = {}): SchemaObject => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
  ...extra,
});
const arrayOf = (items: Schema, extra: SchemaObject = {}): SchemaObject => ({ type: 'array', items, ...extra });
const anyJson: SchemaObject = { description: 'any JSON value' };
const jsonObject: SchemaObject = { type: 'object', additionalProperties: true };
const slug: SchemaObject = { type: 'string', pattern: SLUG_PATTERN.source };
const deliveryStatus: SchemaObject = {
  type: 'string',
  enum: ['staged', 'processing', 'processed', 'failed', 'cancelled'],
};
const fieldIssue = obj({ field: str('the field, dotted path (e.g. events.3.type) or a header name'), message: str() }, [
  'field',
  'message',
]);

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

const clusterMember = obj(
  {
    id: str('node id'),
    role: { type: 'string', nullable: true },
    address: str(),
    port: { type: 'integer' },
    node: str('Consul node'),
    health: { type: 'string', enum: ['passing', 'warning', 'critical'] },
  },
  ['id', 'role', 'address', 'port', 'node', 'health'],
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

/** `components.schemas` of the gateway document that no zod schema gives. */
const count = { type: 'integer', minimum: 0 } as const;
const storeReset = obj(
  {
    reason: str('why the store content was not applied'),
    detectedAt: { type: 'string', format: 'date-time' },
    lastGood: obj({ version: { type: 'integer' }, projects: count }, ['version', 'projects']),
    store: obj({ version: { type: 'integer' }, projects: count }, ['version', 'projects']),
    missingKeys: arrayOf(str(), { description: 'project and trigger keys of the last good config the store lacks' }),
  },
  ['reason', 'detectedAt', 'lastGood', 'store', 'missingKeys'],
  { description: 'set while the last good config is held against a reset config store' },
);

export const HANDWRITTEN_SCHEMAS: Record<string, Schema> = {
  FieldIssue: fieldIssue,
  RedactedSecrets: obj(
    {
      webhook: arrayOf({ type: 'string', enum: [REDACTED] }),
      apiTokens: arrayOf({ type: 'string', enum: [REDACTED] }),
    },
    ['webhook', 'apiTokens'],
    { description: 'write-only: only the count shows' },
  ),
  TestEventBody: {
    type: 'object',
    properties: { payload: { ...anyJson, description: 'the event payload (default {"test": true})' } },
  },
  SecretsView: obj(
    {
      webhook: arrayOf(obj({ id: str('first 12 hex of the SHA-256') }, ['id'])),
      apiTokens: arrayOf(
        obj({ id: str(), hashed: { type: 'boolean', description: 'stored as sha256:<hex>' } }, ['id', 'hashed']),
      ),
    },
    ['webhook', 'apiTokens'],
  ),
  SecretsChange: obj({ secrets: ref('SecretsView') }, ['secrets']),
  CreatedSecret: obj({ id: str(), value: str('the secret: shown in this answer only'), secrets: ref('SecretsView') }, [
    'id',
    'value',
    'secrets',
  ]),
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
  ConfigApiError: obj(
    {
      error: str('what went wrong'),
      issues: arrayOf(ref('FieldIssue')),
      currentVersion: { type: 'integer', description: '409: the version to read again' },
    },
    ['error'],
  ),
  ApiError: obj(
    {
      statusCode: { type: 'integer' },
      error: str('HTTP reason phrase'),
      message: str('what went wrong, naming the field'),
      issues: arrayOf(ref('FieldIssue')),
    },
    ['statusCode', 'message'],
    { additionalProperties: true },
  ),
  ProjectSummary: obj(
    {
      id: slug,
      name: str(),
      version: { type: 'integer' },
      triggers: arrayOf(
        obj({ id: slug, type: str(), url: str(), enabled: { type: 'boolean' } }, ['id', 'type', 'url', 'enabled']),
      ),
    },
    ['id', 'name', 'version', 'triggers'],
  ),
  ConfigStore: obj(
    {
      state: { type: 'string', enum: ['waiting', 'in-sync', 'stale'] },
      version: { type: 'integer' },
      sourceAvailable: { type: 'boolean' },
      storeReset: { ...storeReset, nullable: true },
    },
    ['state', 'sourceAvailable', 'storeReset'],
  ),
  StoreResetResult: obj(
    {
      action: { type: 'string', enum: ['restore', 'accept'] },
      written: { type: 'integer', minimum: 0, description: 'entries written back (restore)' },
      conflicts: { type: 'integer', minimum: 0, description: 'entries changed meanwhile: run the restore again' },
      resolved: { type: 'boolean', description: 'the store holds the last good config again (or it was accepted)' },
      version: { type: 'integer', description: 'version of the config in force' },
    },
    ['action', 'written', 'conflicts', 'resolved'],
  ),
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
  TriggerState: obj({ trigger: str(), configEnabled: { type: 'boolean' }, disabled: disabledReason }, [
    'trigger',
    'configEnabled',
    'disabled',
  ]),
  ClusterMember: clusterMember,
  ClusterStatus: obj(
    {
      mode: { type: 'string', enum: ['distributed', 'standalone'] },
      clusterId: str(),
      members: arrayOf(ref('ClusterMember')),
      leader: obj(
        {
          nodeId: { type: 'string', nullable: true },
          consulNode: { type: 'string', nullable: true },
          lockIndex: { type: 'integer' },
        },
        [],
        { nullable: true },
      ),
      generation: { type: 'integer', nullable: true },
      leaderLockIndex: { type: 'integer', nullable: true },
      partitionCount: { type: 'integer', nullable: true },
      updatedAt: { type: 'string', nullable: true },
      partitions: arrayOf(
        obj(
          {
            partition: { type: 'integer' },
            owner: { type: 'string', nullable: true },
            epoch: { type: 'integer' },
            pendingHandoffFrom: arrayOf({ type: 'string' }),
            backlog: {
              type: 'integer',
              description: 'jobs not yet being delivered: waiting, delayed, prioritized, paused (main + ordered queue)',
            },
            oldestWaitingMs: {
              type: 'integer',
              nullable: true,
              description: 'age of the oldest due waiting job (a delayed one since its due time); null: none due',
            },
            consumer: obj(
              {
                worker: str('node id of the worker whose live record says it consumes the partition'),
                epoch: { type: 'integer' },
                updatedAt: { type: 'string', format: 'date-time', description: 'last renewal (the worker clock)' },
                idleMs: { type: 'integer', description: 'at that renewal, how long its consumer had taken no job' },
              },
              ['worker', 'epoch', 'updatedAt', 'idleMs'],
              { nullable: true, description: 'null: no live consumer record' },
            ),
            consuming: {
              type: 'boolean',
              description: 'the owner (standalone: the worker) consumes it at the owner epoch',
            },
            stuck: { type: 'boolean', description: 'due jobs wait and nobody consumes it, or its consumer stalled' },
            stuckReason: { type: 'string', enum: ['not-consumed', 'stalled'], nullable: true },
          },
          ['partition', 'owner', 'epoch', 'pendingHandoffFrom'],
        ),
      ),
    },
    ['mode', 'clusterId', 'members', 'leader', 'generation', 'partitions'],
  ),
  Health: obj({ status: { type: 'string', enum: ['ok'] }, role: str(), nodeId: str(), mode: str() }, ['status'], {
    additionalProperties: true,
  }),
  Readiness: obj(
    {
      status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
      info: { ...jsonObject, description: 'with an admin token only' },
      error: { ...jsonObject, description: 'with an admin token only' },
      details: { ...jsonObject, description: 'with an admin token only' },
    },
    ['status'],
    { additionalProperties: true },
  ),
};
