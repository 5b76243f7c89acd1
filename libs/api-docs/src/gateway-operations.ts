// What the gateway's routes take and answer, keyed by `METHOD /path/{param}`: the OpenAPI document is
// Nest's scan of the mounted controllers (so a new route shows up by itself) completed from this table.
// Bodies are named components: generated from the zod schemas that validate them (body-schemas.ts), or
// written by hand where no zod schema does (handwritten-schemas.ts). apps/gateway/src/api-docs.spec.ts
// fails when a route of the gateway has no entry here, or takes a body without a schema.
// One entry per gateway route (two dozen), so the file is as long as the API is wide.
import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { ref } from './body-schemas';

export type Auth = 'none' | 'admin' | 'project' | 'project-or-admin';

export interface ParamSpec {
  name: string;
  in: 'query' | 'header';
  description: string;
  schema?: SchemaObject;
}

export interface ResponseSpec {
  description: string;
  /** a component name (gatewaySchemas()), or an inline schema */
  schema?: string | SchemaObject | ReferenceObject;
  /** default application/json */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface OperationSpec {
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  /** description of each path parameter (every `{name}` of the path needs one) */
  pathParams?: Record<string, string>;
  params?: ParamSpec[];
  /** the request body: a component name (gatewaySchemas()) */
  body?: { schema: string; required: boolean; description?: string };
  responses: Record<number, ResponseSpec>;
}

const IF_MATCH: ParamSpec = {
  name: 'If-Match',
  in: 'header',
  description: 'the version read (ETag), e.g. "42"; a stale one is 409. Absent: the version this gateway sees',
};
const PROJECT = { project: 'project id (slug)' };
const PROJECT_TRIGGER = { ...PROJECT, id: 'trigger id (slug)' };
const PROJECT_EVENT = { ...PROJECT, id: 'event id' };

const configError = (description: string): ResponseSpec => ({ description, schema: 'ConfigApiError' });
const apiError = (description: string): ResponseSpec => ({ description, schema: 'ApiError' });

const ADMIN_READ_ERRORS: Record<number, ResponseSpec> = {
  401: configError('no or unknown admin token (or ADMIN_TOKEN unset on this gateway)'),
  503: configError('config not loaded yet (config-service unreachable)'),
};
const ADMIN_WRITE_ERRORS: Record<number, ResponseSpec> = {
  ...ADMIN_READ_ERRORS,
  400: configError('invalid body (issues name each field) or malformed If-Match'),
  403: configError('the read-only admin token cannot change config'),
  409: configError('changed by someone else / does not match If-Match (currentVersion)'),
  503: configError('config not loaded, or the config store is unavailable'),
};
const OBSERVE_ERRORS: Record<number, ResponseSpec> = {
  401: apiError('no valid project token or admin token'),
  404: apiError('unknown project'),
  503: {
    description: 'configuration not loaded or Redis unreachable',
    schema: 'ApiError',
    headers: { 'Retry-After': 'seconds' },
  },
};
const OBSERVE_WRITE_ERRORS: Record<number, ResponseSpec> = {
  ...OBSERVE_ERRORS,
  403: apiError('the read-only admin token cannot do this'),
};
const QUEUE_ERRORS: Record<number, ResponseSpec> = {
  400: apiError('invalid body or Idempotency-Key: `issues` names each field'),
  401: apiError('no valid project token (an unknown project answers the same)'),
  413: apiError('payload over the project limit (default 256 KiB) or body over 11 MiB'),
  422: apiError('Idempotency-Key reused with a different body'),
  503: {
    description: 'configuration not loaded or Redis unreachable',
    schema: 'ApiError',
    headers: { 'Retry-After': 'seconds' },
  },
};
const IDEMPOTENCY_KEY: ParamSpec = {
  name: 'Idempotency-Key',
  in: 'header',
  description: 'remembered per project (24 h by default): a retry gets the first answer',
};
const ACCEPTED_HEADERS = {
  'Idempotent-Replayed': '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
};

const versioned = (schema: string): SchemaObject => ({
  type: 'object',
  properties: { result: ref(schema), version: { type: 'integer' } },
  required: ['result', 'version'],
});
const deleted: SchemaObject = {
  type: 'object',
  properties: { result: { type: 'string', enum: ['deleted'] }, version: { type: 'integer' } },
  required: ['result', 'version'],
};
const ETAG = { ETag: 'the version, quoted ("42"): send it back as If-Match' };

function storeResetOperation(summary: string, description: string): OperationSpec {
  return {
    tag: 'config',
    auth: 'admin',
    summary,
    description,
    responses: {
      200: { description: 'done', schema: { type: 'object', properties: { result: ref('StoreResetResult') } } },
      401: ADMIN_READ_ERRORS[401]!,
      403: configError('the read-only admin token cannot do this'),
      409: configError('no config store reset is being held'),
      503: configError('the config-service or its store is unreachable'),
    },
  };
}

export const GATEWAY_OPERATIONS: Record<string, OperationSpec> = {
  'GET /v1/config/projects': {
    tag: 'config',
    auth: 'admin',
    summary: 'List projects with their triggers',
    responses: {
      200: {
        description: 'every project, sorted by id (no secrets)',
        schema: {
          type: 'object',
          properties: { result: { type: 'array', items: ref('ProjectSummary') }, version: { type: 'integer' } },
        },
      },
      ...ADMIN_READ_ERRORS,
    },
  },
  'GET /v1/config/store': {
    tag: 'config',
    auth: 'admin',
    summary: 'State of the config store, and a held config store reset',
    responses: {
      200: {
        description: 'as this gateway sees it',
        schema: { type: 'object', properties: { result: ref('ConfigStore') } },
      },
      401: ADMIN_READ_ERRORS[401]!,
    },
  },
  'POST /v1/config/store/restore': storeResetOperation(
    'Write the last good config back into a reset config store',
    'Each entry of the config in force that the store lacks or holds otherwise is written back (a CAS on what the store holds). Answers once the store shows it, or with `resolved: false` after 5 s.',
  ),
  'POST /v1/config/store/accept': storeResetOperation(
    'Accept a reset config store as it is',
    'Applies what the store holds now (e.g. an empty KV on purpose). Queued deliveries of projects and triggers it lacks end in the DLQ.',
  ),
  'GET /v1/config/projects/{project}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Read a project (secrets redacted)',
    pathParams: PROJECT,
    responses: {
      200: { description: 'the project', schema: versioned('Project'), headers: ETAG },
      404: configError('project not found'),
      ...ADMIN_READ_ERRORS,
    },
  },
  'POST /v1/config/projects/{project}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Create or replace a project',
    description:
      'Secrets are write-only: an update without `secrets` keeps the stored ones (a CAS on the version they were read at; an `If-Match` naming another version is 409).',
    pathParams: PROJECT,
    params: [IF_MATCH],
    body: { schema: 'ProjectBody', required: true },
    responses: {
      200: { description: 'written and visible on this gateway', schema: versioned('Project'), headers: ETAG },
      404: configError('project gone right after the write'),
      ...ADMIN_WRITE_ERRORS,
    },
  },
  'DELETE /v1/config/projects/{project}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Delete a project and its triggers',
    pathParams: PROJECT,
    params: [IF_MATCH],
    responses: {
      200: { description: 'deleted', schema: deleted },
      404: configError('project not found'),
      ...ADMIN_WRITE_ERRORS,
    },
  },
  'GET /v1/config/projects/{project}/eventing/triggers': {
    tag: 'config',
    auth: 'admin',
    summary: "List a project's triggers",
    pathParams: PROJECT,
    responses: {
      200: {
        description: 'triggers sorted by id, with their versions',
        schema: {
          type: 'object',
          properties: {
            result: { type: 'array', items: ref('Trigger') },
            versions: { type: 'object', additionalProperties: { type: 'integer' } },
          },
        },
      },
      404: configError('project not found'),
      ...ADMIN_READ_ERRORS,
    },
  },
  'GET /v1/config/projects/{project}/eventing/triggers/{id}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Read a trigger',
    pathParams: PROJECT_TRIGGER,
    responses: {
      200: { description: 'the trigger', schema: versioned('Trigger'), headers: ETAG },
      404: configError('project or trigger not found'),
      ...ADMIN_READ_ERRORS,
    },
  },
  'POST /v1/config/projects/{project}/eventing/triggers/{id}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Create or replace a trigger',
    pathParams: PROJECT_TRIGGER,
    params: [IF_MATCH],
    body: { schema: 'TriggerBody', required: true },
    responses: {
      200: { description: 'written and visible on this gateway', schema: versioned('Trigger'), headers: ETAG },
      404: configError('project not found'),
      ...ADMIN_WRITE_ERRORS,
    },
  },
  'DELETE /v1/config/projects/{project}/eventing/triggers/{id}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Delete a trigger',
    pathParams: PROJECT_TRIGGER,
    params: [IF_MATCH],
    responses: {
      200: { description: 'deleted', schema: deleted },
      404: configError('trigger not found'),
      ...ADMIN_WRITE_ERRORS,
    },
  },
  'GET /v1/config/projects/{project}/eventing/config': {
    tag: 'config',
    auth: 'admin',
    summary: 'Read the cluster eventing settings',
    pathParams: PROJECT,
    description: 'The settings are cluster-wide; the project in the path only has to exist (Space Cloud paths).',
    responses: {
      200: { description: 'the settings', schema: versioned('EventingSettings'), headers: ETAG },
      404: configError('project not found'),
      ...ADMIN_READ_ERRORS,
    },
  },
  'POST /v1/config/projects/{project}/eventing/config': {
    tag: 'config',
    auth: 'admin',
    summary: 'Replace the cluster eventing settings',
    pathParams: PROJECT,
    params: [IF_MATCH],
    description: "Space Cloud's `enabled` and `dbAlias` fields are accepted and ignored.",
    body: { schema: 'EventingSettings', required: true },
    responses: {
      200: { description: 'written', schema: versioned('EventingSettings'), headers: ETAG },
      404: configError('project not found'),
      ...ADMIN_WRITE_ERRORS,
    },
  },
  'POST /v1/api/{project}/eventing/queue': {
    tag: 'events',
    auth: 'project',
    summary: 'Queue an event',
    pathParams: PROJECT,
    params: [IDEMPOTENCY_KEY],
    description:
      "Space Cloud's queue body plus `partitionKey`; fans out to the triggers matching `type` (and their filters). " +
      'With `isSynchronous: true` the call is held until a webhook answers (docs/space-cloud.md).',
    body: { schema: 'QueueEvent', required: true },
    responses: {
      200: {
        description: "`isSynchronous`: a webhook's 2xx answer; `result` is its `response` (null when none carried one)",
        schema: 'QueueAnswered',
      },
      202: {
        description: 'accepted: one delivery per matching trigger',
        schema: 'QueueAccepted',
        headers: ACCEPTED_HEADERS,
      },
      ...QUEUE_ERRORS,
      503: {
        description:
          'configuration not loaded or Redis unreachable; or, for `isSynchronous`, this gateway holds `EVENTING_SYNC_MAX_PENDING` synchronous calls already (nothing was published: retry later or queue asynchronously)',
        schema: 'ApiError',
        headers: { 'Retry-After': 'seconds' },
      },
      504: apiError('`isSynchronous`: no webhook answered in time; the event stays queued'),
    },
  },
  'POST /v1/api/{project}/eventing/queue/batch': {
    tag: 'events',
    auth: 'project',
    summary: 'Queue 1–500 events',
    pathParams: PROJECT,
    params: [IDEMPOTENCY_KEY],
    body: { schema: 'QueueBatch', required: true },
    responses: {
      202: { description: 'accepted, in the order given', schema: 'QueueBatchAccepted', headers: ACCEPTED_HEADERS },
      ...QUEUE_ERRORS,
    },
  },
  'GET /v1/api/{project}/eventing/events': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'List events, newest first',
    pathParams: PROJECT,
    params: [
      {
        name: 'status',
        in: 'query',
        description: 'only events in this status',
        schema: { type: 'string', enum: ['staged', 'processing', 'processed', 'failed', 'cancelled'] },
      },
      { name: 'type', in: 'query', description: 'only this event type' },
      { name: 'trigger', in: 'query', description: 'only events delivered to this trigger' },
      { name: 'since', in: 'query', description: 'accepted at or after (RFC 3339 or Unix ms)' },
      { name: 'until', in: 'query', description: 'accepted before (RFC 3339 or Unix ms)' },
      {
        name: 'limit',
        in: 'query',
        description: 'page size, 1–500 (default 50)',
        schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      },
      { name: 'cursor', in: 'query', description: '`nextCursor` of the previous page' },
    ],
    responses: {
      200: { description: 'a page of events', schema: 'EventPage' },
      400: apiError('bad status, limit, since or until'),
      ...OBSERVE_ERRORS,
    },
  },
  'GET /v1/api/{project}/eventing/events/{id}': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'Read an event with its invocations',
    pathParams: PROJECT_EVENT,
    responses: {
      200: { description: 'the event and every attempt', schema: 'EventWithInvocations' },
      404: apiError('unknown project, or the event is not in the log'),
      ...OBSERVE_ERRORS,
    },
  },
  'POST /v1/api/{project}/eventing/events/{id}/redeliver': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'Send an event again',
    pathParams: PROJECT_EVENT,
    description: 'A new delivery (new webhook-id) per trigger of the event, or only to `trigger`.',
    body: { schema: 'RedeliverBody', required: false },
    responses: {
      202: { description: 'queued', schema: 'Redelivered' },
      404: apiError('unknown project or event, or no delivery to that trigger'),
      409: apiError('no trigger of the event (or not `trigger`) can be sent to now: deleted or disabled'),
      ...OBSERVE_WRITE_ERRORS,
    },
  },
  'GET /v1/api/{project}/eventing/dlq': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'List dead letters, oldest first',
    pathParams: PROJECT,
    description:
      'Each entry names its event, delivery, trigger, reason and last status code (the payload is on the event). A page reads at most 5 000 entries: with a `trigger` filter it may hold fewer than `limit` and still have a `next`.',
    params: [
      { name: 'since', in: 'query', description: 'added at or after (RFC 3339 or Unix ms)' },
      { name: 'trigger', in: 'query', description: 'only deliveries to this trigger' },
      {
        name: 'limit',
        in: 'query',
        description: 'page size, 1–500 (default 50)',
        schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      },
      { name: 'cursor', in: 'query', description: '`next` of the previous page' },
    ],
    responses: {
      200: { description: 'a page of dead letters', schema: 'DeadLetterPage' },
      400: apiError('bad since, trigger, limit or cursor'),
      ...OBSERVE_ERRORS,
    },
  },
  'POST /v1/api/{project}/eventing/dlq/redrive': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'Re-queue dead letters',
    pathParams: PROJECT,
    description: 'With their original delivery ids; they leave the DLQ. All, or since a time, or of one trigger.',
    body: { schema: 'RedriveBody', required: false },
    responses: {
      202: { description: 'how many were re-queued', schema: 'Redriven' },
      400: apiError('bad since or trigger'),
      ...OBSERVE_WRITE_ERRORS,
    },
  },
  'GET /v1/api/{project}/eventing/triggers': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'Triggers with their delivery state',
    pathParams: PROJECT,
    responses: {
      200: {
        description: 'every trigger of the project',
        schema: { type: 'object', properties: { triggers: { type: 'array', items: ref('TriggerState') } } },
      },
      ...OBSERVE_ERRORS,
    },
  },
  'POST /v1/api/{project}/eventing/triggers/{trigger}/enable': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'Resume a trigger the workers disabled',
    pathParams: { ...PROJECT, trigger: 'trigger id' },
    responses: {
      200: {
        description: 'deliveries resume at once; the ones the trigger held are re-queued (`released`)',
        schema: {
          allOf: [
            ref('TriggerState'),
            {
              type: 'object',
              properties: {
                wasDisabled: { type: 'boolean' },
                released: {
                  type: 'integer',
                  minimum: 0,
                  description: 'held deliveries re-queued (released even when the trigger was not disabled)',
                },
              },
            },
          ],
        },
      },
      404: apiError('unknown project or trigger'),
      ...OBSERVE_WRITE_ERRORS,
    },
  },
  'POST /v1/api/{project}/eventing/triggers/{trigger}/test': {
    tag: 'events',
    auth: 'project-or-admin',
    summary: 'Send a test event to one trigger',
    description:
      'Queues an event of the trigger\'s type with `payload` (default `{"test": true}`) for this trigger only, its filter and options aside; it shows in the event log with its invocations like any other.',
    pathParams: { ...PROJECT, trigger: 'trigger id' },
    body: { schema: 'TestEventBody', required: false },
    responses: {
      202: { description: 'queued for this trigger', schema: 'QueueAccepted' },
      400: apiError('payload is not JSON the queue API accepts, or over the project limit'),
      404: apiError('unknown project or trigger'),
      409: apiError('the trigger is disabled in the config'),
      ...OBSERVE_WRITE_ERRORS,
    },
  },
  'GET /v1/config/access': {
    tag: 'config',
    auth: 'admin',
    summary: 'What the presented admin token may do',
    responses: {
      200: {
        description: '`admin` (ADMIN_TOKEN) or `read-only` (ADMIN_READ_TOKEN)',
        schema: { type: 'object', properties: { scope: { type: 'string', enum: ['admin', 'read-only'] } } },
      },
      401: ADMIN_READ_ERRORS[401]!,
    },
  },
  'GET /v1/config/projects/{project}/secrets': {
    tag: 'config',
    auth: 'admin',
    summary: "A project's signing secrets and API tokens, by id",
    description: 'An id is the first 12 hex characters of the SHA-256 of the secret; values are never shown.',
    pathParams: PROJECT,
    responses: {
      200: { description: 'the secrets by id, newest signing secret first', schema: versioned('SecretsView') },
      404: configError('project not found'),
      ...ADMIN_READ_ERRORS,
    },
  },
  'POST /v1/config/projects/{project}/secrets/webhook': {
    tag: 'config',
    auth: 'admin',
    summary: 'Rotate the webhook signing secret',
    description:
      'Adds a new signing secret in front; the old ones keep signing (one signature each) until retired, so receivers can switch over. The new value is in this answer only.',
    pathParams: PROJECT,
    params: [IF_MATCH],
    responses: {
      201: { description: 'the new secret (shown once)', schema: versioned('CreatedSecret') },
      404: configError('project not found'),
      ...ADMIN_WRITE_ERRORS,
      409: configError('changed by someone else, or 10 signing secrets already'),
    },
  },
  'DELETE /v1/config/projects/{project}/secrets/webhook/{id}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Retire a signing secret',
    pathParams: { ...PROJECT, id: 'secret id' },
    params: [IF_MATCH],
    responses: {
      200: { description: 'retired', schema: versioned('SecretsChange') },
      404: configError('project or secret not found'),
      ...ADMIN_WRITE_ERRORS,
      409: configError('changed by someone else, or the last signing secret'),
    },
  },
  'POST /v1/config/projects/{project}/secrets/api-tokens': {
    tag: 'config',
    auth: 'admin',
    summary: 'Create a project API token',
    description: 'The token is in this answer only; the config stores its SHA-256 (`sha256:<hex>`).',
    pathParams: PROJECT,
    params: [IF_MATCH],
    responses: {
      201: { description: 'the new token (shown once)', schema: versioned('CreatedSecret') },
      404: configError('project not found'),
      ...ADMIN_WRITE_ERRORS,
      409: configError('changed by someone else, or 20 tokens already'),
    },
  },
  'DELETE /v1/config/projects/{project}/secrets/api-tokens/{id}': {
    tag: 'config',
    auth: 'admin',
    summary: 'Revoke a project API token',
    pathParams: { ...PROJECT, id: 'token id' },
    params: [IF_MATCH],
    responses: {
      200: { description: 'revoked', schema: versioned('SecretsChange') },
      404: configError('project or token not found'),
      ...ADMIN_WRITE_ERRORS,
    },
  },
  'GET /v1/cluster': {
    tag: 'cluster',
    auth: 'admin',
    summary: 'Members, leader, partition owners, backlogs and stuck partitions',
    description:
      'Admin token (full or read-only). Distributed mode reads Consul; standalone mode answers `mode: standalone` with no members. Per partition the data plane adds its backlog, oldest due waiting job, live consumer and whether it is stuck (absent when Redis could not be read in time). Read at most 4 times a second however many ask: an answer may be 250 ms old.',
    responses: {
      200: { description: 'the cluster as Consul and Redis show it', schema: 'ClusterStatus' },
      401: ADMIN_READ_ERRORS[401]!,
      503: apiError('Consul unreachable'),
    },
  },
  'GET /healthz': {
    tag: 'operations',
    auth: 'none',
    summary: 'Liveness',
    responses: { 200: { description: 'the process runs', schema: 'Health' } },
  },
  'GET /readyz': {
    tag: 'operations',
    auth: 'none',
    summary: 'Readiness (config held, Redis, Consul)',
    description:
      'Without a token: `{status}` only. With an admin token (full or read-only): every check with its details (`info`, `error`, `details`).',
    responses: {
      200: { description: 'every check is up', schema: 'Readiness' },
      503: { description: 'a check is down (`error` names it, with a token), or shutting down', schema: 'Readiness' },
    },
  },
  'GET /metrics': {
    tag: 'operations',
    auth: 'none',
    summary: 'Prometheus metrics of this instance',
    responses: {
      200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain', schema: { type: 'string' } },
    },
  },
  'GET /console': {
    tag: 'console',
    auth: 'none',
    summary: 'The web console (HTML)',
    description:
      'The page asks for the admin token in the browser and calls the API with it; it needs no token to load.',
    responses: {
      200: { description: 'the page', contentType: 'text/html', schema: { type: 'string' } },
      503: {
        description: 'console assets missing from this build',
        contentType: 'text/plain',
        schema: { type: 'string' },
      },
    },
  },
  'GET /console/{asset}': {
    tag: 'console',
    auth: 'none',
    summary: "The console's script and stylesheet",
    pathParams: { asset: 'console.js or console.css' },
    responses: {
      200: { description: 'the file', contentType: 'text/plain', schema: { type: 'string' } },
      404: { description: 'no such asset', contentType: 'text/plain', schema: { type: 'string' } },
      503: {
        description: 'console assets missing from this build',
        contentType: 'text/plain',
        schema: { type: 'string' },
      },
    },
  },
};
