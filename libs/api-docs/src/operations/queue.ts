// The queue API (`POST /v1/api/{project}/eventing/queue` and `…/batch`, project token): also taken by the
// lean node:http route in front of Nest (libs/eventing), which answers with the same codes and bodies.
import {
  apiError,
  BODY_LIMIT_MIB,
  type OperationTable,
  type ParamSpec,
  PROJECT,
  type ResponseSpec,
  UNAVAILABLE,
} from './shared';

const QUEUE_ERRORS: Record<number, ResponseSpec> = {
  400: apiError('invalid body or Idempotency-Key: `issues` names each field'),
  401: apiError('no valid project token (an unknown project answers the same)'),
  413: apiError(`payload over the project limit (default 256 KiB) or body over ${BODY_LIMIT_MIB} MiB`),
  422: apiError('Idempotency-Key reused with a different body'),
  503: UNAVAILABLE,
};
const IDEMPOTENCY_KEY: ParamSpec = {
  name: 'Idempotency-Key',
  in: 'header',
  description: 'remembered per project (24 h by default): a retry gets the first answer',
};
const ACCEPTED_HEADERS = {
  'Idempotent-Replayed': '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
};

export const QUEUE_OPERATIONS: OperationTable = {
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
        ...UNAVAILABLE,
        description:
          'configuration not loaded or Redis unreachable; or, for `isSynchronous`, this gateway holds `EVENTING_SYNC_MAX_PENDING` synchronous calls already (nothing was published: retry later or queue asynchronously)',
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
};
