// The config admin API's store state and the two ways out of a held store reset, and what the presented
// admin token may do (`/v1/config/store…`, `/v1/config/access`).
import { ref } from '../body-schemas';
import { ADMIN_READ_ERRORS, configError, type OperationSpec, type OperationTable } from './shared';

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

export const CONFIG_STORE_OPERATIONS: OperationTable = {
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
};
