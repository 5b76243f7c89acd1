// What every family of gateway operations (the other files of this folder) is written with: the shape
// of an operation, the error tables several routes share, and the small builders of their answers.
import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES } from '@spaceport/eventing';
import { ref } from '../body-schemas';

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
  /** the request body: a component name (gatewaySchemas()); the document adds BODY_ERRORS for it */
  body?: { schema: string; required: boolean; description?: string };
  responses: Record<number, ResponseSpec>;
}

export type OperationTable = Record<string, OperationSpec>;

export const PROJECT = { project: 'project id (slug)' };
export const IF_MATCH: ParamSpec = {
  name: 'If-Match',
  in: 'header',
  description: 'the version read (ETag), e.g. "42"; a stale one is 409. Absent: the version this gateway sees',
};

export const configError = (description: string): ResponseSpec => ({ description, schema: 'ConfigApiError' });
export const apiError = (description: string): ResponseSpec => ({ description, schema: 'ApiError' });

/** 503 of the event APIs: `Retry-After` says when to come back. */
export const UNAVAILABLE: ResponseSpec = {
  description: 'configuration not loaded or Redis unreachable',
  schema: 'ApiError',
  headers: { 'Retry-After': 'seconds' },
};

export const ADMIN_READ_ERRORS: Record<number, ResponseSpec> = {
  401: configError('no or unknown admin token (or ADMIN_TOKEN unset on this gateway)'),
  503: configError('config not loaded yet (config-service unreachable)'),
};
export const ADMIN_WRITE_ERRORS: Record<number, ResponseSpec> = {
  ...ADMIN_READ_ERRORS,
  400: configError('invalid body (issues name each field) or malformed If-Match'),
  403: configError('the read-only admin token cannot change config'),
  409: configError('changed by someone else / does not match If-Match (currentVersion)'),
  503: configError('config not loaded, or the config store is unavailable'),
};

/** The gateway's JSON body limit (the body parser's), in MiB, for the descriptions. */
export const BODY_LIMIT_MIB = JSON_BODY_LIMIT_BYTES / (1024 * 1024);

/**
 * What every route answers for a request body it cannot take, before any controller sees it and so in
 * the one error body of every API (`error` is the HTTP reason, on the config API too): 415 from
 * `requireJsonBody` (libs/app-runtime), 413 from the gateway's JSON body parser. The document adds both to
 * every operation with a `body` (openapi-document.ts); an operation's own entry for a code wins.
 */
export const BODY_ERRORS: Record<number, ResponseSpec> = {
  413: apiError(`body over ${BODY_LIMIT_MIB} MiB, the gateway's JSON body limit`),
  415: apiError('the body is not JSON: `Content-Type` missing, or not application/json (or `+json`)'),
};

/** `{result, version}` around a component. */
export const versioned = (schema: string): SchemaObject => ({
  type: 'object',
  properties: { result: ref(schema), version: { type: 'integer' } },
  required: ['result', 'version'],
});
