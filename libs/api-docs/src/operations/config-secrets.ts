// The config admin API's secrets of a project: signing secrets and API tokens by id, rotated, created and
// retired (`/v1/config/projects/{project}/secrets…`, admin token).
import {
  ADMIN_READ_ERRORS,
  ADMIN_WRITE_ERRORS,
  configError,
  IF_MATCH,
  type OperationTable,
  PROJECT,
  versioned,
} from './shared';

export const CONFIG_SECRET_OPERATIONS: OperationTable = {
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
};
