// JSON schemas (OpenAPI 3.0 dialect) of the gateway's request and response bodies, written by hand
// after the zod schemas in libs/config-model and libs/eventing (bounds come from the same constants).
import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_PARTITION_COUNT,
  MAX_API_TOKEN_LENGTH,
  MAX_CONFIG_PARTITION_COUNT,
  MAX_MAX_PAYLOAD_BYTES,
  MAX_RETRIES,
  MAX_TIMEOUT_MS,
  MIN_API_TOKEN_LENGTH,
  SLUG_PATTERN,
} from '@spaceport/config-model';

type Schema = SchemaObject | ReferenceObject;

export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

const DAY_MS = 86_400_000;
const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const int = (minimum: number, maximum: number, description?: string): SchemaObject => ({
  type: 'integer',
  minimum,
  maximum,
  ...(description ? { description } : {}),
});
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
const eventType: SchemaObject = { type: 'string', minLength: 1, maxLength: 256, pattern: '^\\S+$' };

const retrySchedule = obj(
  { baseDelayMs: int(1, DAY_MS, 'default 1000'), maxDelayMs: int(1, DAY_MS, 'default 600000; at least baseDelayMs') },
  [],
  { description: 'exponential backoff: attempt n waits about min(maxDelayMs, baseDelayMs × 2ⁿ) with jitter' },
);

const fieldIssue = obj({ field: str('the field, dotted path (e.g. events.3.type) or a header name'), message: str() }, [
  'field',
  'message',
]);

const triggerBody = obj(
  {
    id: { ...slug, description: 'optional in the body: the path names the trigger' },
    type: { ...eventType, description: 'event type the trigger fires on' },
    url: { type: 'string', format: 'uri', description: 'absolute http:// or https:// URL of the receiver' },
    retries: int(0, MAX_RETRIES, 'unset → cluster default (3)'),
    timeout: int(0, MAX_TIMEOUT_MS, 'per-attempt timeout, ms; 0 or unset → cluster default (5000)'),
    retrySchedule,
    options: {
      ...jsonObject,
      nullable: true,
      description: 'Space Cloud event options: all must equal the options queued with the event',
    },
    filter: {
      nullable: true,
      description: 'Space Cloud rule object, or an array of conditions on the payload (docs/eventing.md)',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'extra request headers (values are write-only)',
    },
    enabled: { type: 'boolean', default: true },
    ordered: {
      type: 'boolean',
      default: false,
      description: "deliver one partition key's events one at a time, in order",
    },
    rateLimit: {
      type: 'number',
      exclusiveMinimum: true,
      minimum: 0,
      maximum: 100_000,
      description: 'deliveries per second, across all workers',
    },
  },
  ['type', 'url'],
  { description: "Space Cloud's trigger body `{type, url, retries, timeout, options, filter}` is accepted as it is" },
);

const projectSettings = obj({
  maxPayloadBytes: int(1, MAX_MAX_PAYLOAD_BYTES, `default ${DEFAULT_MAX_PAYLOAD_BYTES}`),
  idempotencyTtlMs: int(60_000, 7 * DAY_MS, 'default 86400000 (24 h)'),
});

const eventingSettings = obj({
  partitionCount: int(
    1,
    MAX_CONFIG_PARTITION_COUNT,
    `default ${DEFAULT_PARTITION_COUNT}; changing it re-maps partition keys`,
  ),
  defaults: obj({
    retries: int(0, MAX_RETRIES, 'default 3'),
    timeout: int(1, MAX_TIMEOUT_MS, 'default 5000'),
    retrySchedule,
  }),
  retention: obj({
    maxAgeMs: int(60_000, 3650 * DAY_MS, 'default 7 days'),
    maxCount: int(1, 1_000_000_000, 'default 100000'),
  }),
});

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

/** `components.schemas` of the gateway document. */
export const GATEWAY_SCHEMAS: Record<string, Schema> = {
  FieldIssue: fieldIssue,
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
  ProjectBody: obj(
    {
      id: { ...slug, description: 'optional: the path names the project' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      secrets: obj(
        {
          webhook: arrayOf(
            { type: 'string', pattern: '^whsec_' },
            { minItems: 1, maxItems: 10, description: 'signing secrets, newest first (24–64 bytes each)' },
          ),
          apiTokens: arrayOf(
            { type: 'string', minLength: MIN_API_TOKEN_LENGTH, maxLength: MAX_API_TOKEN_LENGTH },
            { maxItems: 20, description: 'bearer tokens of the queue and observe API' },
          ),
        },
        ['webhook'],
        { writeOnly: true },
      ),
      settings: projectSettings,
    },
    ['name', 'secrets'],
  ),
  Project: obj(
    {
      id: slug,
      name: str(),
      secrets: obj(
        {
          webhook: arrayOf({ type: 'string', enum: ['[redacted]'] }),
          apiTokens: arrayOf({ type: 'string', enum: ['[redacted]'] }),
        },
        [],
        { description: 'write-only: only the count shows' },
      ),
      settings: projectSettings,
    },
    ['id', 'name', 'secrets', 'settings'],
  ),
  TriggerBody: triggerBody,
  Trigger: {
    ...triggerBody,
    required: ['id', 'type', 'url', 'enabled', 'ordered', 'headers'],
    description: 'header values and URL credentials redacted',
  },
  EventingSettings: eventingSettings,
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
  QueueEvent: obj(
    {
      type: eventType,
      payload: { ...anyJson, description: 'required; canonical JSON counts against the project limit' },
      delay: int(0, 30 * DAY_MS, 'ms before the first attempt'),
      timestamp: { type: 'string', format: 'date-time', description: 'RFC 3339; a future time schedules (≤ 30 days)' },
      options: { ...jsonObject, nullable: true },
      partitionKey: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        description: 'events of one key keep their order; default: the event id',
      },
    },
    ['type', 'payload'],
  ),
  QueueBatch: obj({ events: arrayOf(ref('QueueEvent'), { minItems: 1, maxItems: 500 }) }, ['events']),
  QueueAccepted: queueAccepted,
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
    { deliveries: arrayOf(obj({ id: str('the new delivery (webhook-id)'), trigger: str() }, ['id', 'trigger'])) },
    ['deliveries'],
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
            backlog: { type: 'integer', description: 'jobs waiting in the partition' },
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
      info: jsonObject,
      error: jsonObject,
      details: jsonObject,
    },
    ['status'],
    { additionalProperties: true },
  ),
};
