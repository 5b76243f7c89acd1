// The observe API (`/v1/api/{project}/eventing/…` but the queue, project or admin token): the event log,
// redelivery, dead letters and their redrive, trigger state, enable and test events.
import { ref } from '../body-schemas';
import { apiError, type OperationTable, type ParamSpec, PROJECT, type ResponseSpec, UNAVAILABLE } from './shared';

const PROJECT_EVENT = { ...PROJECT, id: 'event id' };
const PAGE_LIMIT: ParamSpec = {
  name: 'limit',
  in: 'query',
  description: 'page size, 1–500 (default 50)',
  schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
};
const OBSERVE_ERRORS: Record<number, ResponseSpec> = {
  401: apiError('no valid project token or admin token'),
  404: apiError('unknown project'),
  503: UNAVAILABLE,
};
const OBSERVE_WRITE_ERRORS: Record<number, ResponseSpec> = {
  ...OBSERVE_ERRORS,
  403: apiError('the read-only admin token cannot do this'),
};

export const OBSERVE_OPERATIONS: OperationTable = {
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
      PAGE_LIMIT,
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
      PAGE_LIMIT,
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
};
