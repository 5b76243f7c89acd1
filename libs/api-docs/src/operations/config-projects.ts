// The config admin API's projects, triggers and eventing settings (`/v1/config/projects…`, admin token).
import { type SchemaObject } from '@nestjs/swagger';
import { ref } from '../body-schemas';
import {
  ADMIN_READ_ERRORS,
  ADMIN_WRITE_ERRORS,
  configError,
  IF_MATCH,
  type OperationTable,
  PROJECT,
  versioned,
} from './shared';

const PROJECT_TRIGGER = { ...PROJECT, id: 'trigger id (slug)' };
const ETAG = { ETag: 'the version, quoted ("42"): send it back as If-Match' };
const deleted: SchemaObject = {
  type: 'object',
  properties: { result: { type: 'string', enum: ['deleted'] }, version: { type: 'integer' } },
  required: ['result', 'version'],
};

export const CONFIG_PROJECT_OPERATIONS: OperationTable = {
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
};
