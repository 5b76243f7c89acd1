import {
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type PathItemObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
  type SecurityRequirementObject,
} from '@nestjs/swagger';
import { ref, zodBodySchemas } from './body-schemas';
import {
  type Auth,
  BODY_ERRORS,
  GATEWAY_OPERATIONS,
  type OperationSpec,
  type ResponseSpec,
} from './gateway-operations';
import { HANDWRITTEN_SCHEMAS } from './handwritten-schemas';
import { mergeTables } from './merge-tables';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export const SECURITY_SCHEMES = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: '`ADMIN_TOKEN` of the gateway (`ADMIN_READ_TOKEN` for reads only)',
  },
  projectToken: { type: 'http', scheme: 'bearer', description: "one of the project's `secrets.apiTokens`" },
} as const;

const SECURITY: Record<Auth, SecurityRequirementObject[]> = {
  none: [],
  admin: [{ adminToken: [] }],
  project: [{ projectToken: [] }],
  'project-or-admin': [{ projectToken: [] }, { adminToken: [] }],
};

/** Pure: `components.schemas` of the gateway document: generated from the zod schemas, and the rest. */
export function gatewaySchemas(): Record<string, SchemaObject | ReferenceObject> {
  return mergeTables<SchemaObject | ReferenceObject>('schema', HANDWRITTEN_SCHEMAS, zodBodySchemas());
}

export interface CompletedDocument {
  document: OpenAPIObject;
  /** `METHOD /path` of mounted routes the table does not describe */
  undocumented: string[];
  /** table entries no mounted route matched */
  unmatched: string[];
  /** path parameters without a description, as `METHOD /path {name}` */
  problems: string[];
}

/** Pure: `METHOD /path/{param}` of every operation of a document, sorted. */
export function operationKeys(document: Pick<OpenAPIObject, 'paths'>): string[] {
  const keys: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) if (item[method]) keys.push(`${method.toUpperCase()} ${path}`);
  }
  return keys.sort();
}

function response(spec: ResponseSpec): ResponseObject {
  const schema = typeof spec.schema === 'string' ? ref(spec.schema) : spec.schema;
  return {
    description: spec.description,
    ...(schema ? { content: { [spec.contentType ?? 'application/json']: { schema } } } : {}),
    ...(spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
  };
}

function pathParameters(path: string, spec: OperationSpec, problems: string[], key: string): ParameterObject[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name = '']) => {
    const description = spec.pathParams?.[name];
    if (description === undefined) problems.push(`${key} {${name}}`);
    return { name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) };
  });
}

function completeOperation(
  scanned: OperationObject,
  path: string,
  spec: OperationSpec,
  problems: string[],
  key: string,
): OperationObject {
  const parameters: ParameterObject[] = [
    ...pathParameters(path, spec, problems, key),
    ...(spec.params ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: false,
      description: p.description,
      schema: p.schema ?? { type: 'string' },
    })),
  ];
  const operation: OperationObject = {
    ...(scanned.operationId ? { operationId: scanned.operationId } : {}),
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    parameters,
    // a body can be refused before the route sees it (415, 413): derived from `body`, not listed per route
    responses: Object.fromEntries(
      Object.entries({ ...(spec.body ? BODY_ERRORS : {}), ...spec.responses }).map(([status, r]) => [
        status,
        response(r),
      ]),
    ),
    security: SECURITY[spec.auth],
  };
  if (spec.body) {
    operation.requestBody = {
      required: spec.body.required,
      content: { 'application/json': { schema: ref(spec.body.schema) } },
      ...(spec.body.description ? { description: spec.body.description } : {}),
    };
  }
  return operation;
}

/**
 * Pure: Nest's scan of the mounted routes (`SwaggerModule.createDocument`) completed from
 * `GATEWAY_OPERATIONS`: summaries, tags, parameters, bodies, responses with their error codes (and
 * `BODY_ERRORS` where there is a body), security.
 * Routes the table misses stay as scanned and are reported (`undocumented`).
 */
export function completeGatewayDocument(
  scanned: OpenAPIObject,
  operations: Record<string, OperationSpec> = GATEWAY_OPERATIONS,
): CompletedDocument {
  const undocumented: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const paths: Record<string, PathItemObject> = {};
  for (const [path, item] of Object.entries(scanned.paths)) {
    const completed: PathItemObject = { ...item };
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const spec = operations[key];
      if (!spec) {
        undocumented.push(key);
        continue;
      }
      seen.add(key);
      completed[method] = completeOperation(operation, path, spec, problems, key);
    }
    paths[path] = completed;
  }
  const document: OpenAPIObject = {
    ...scanned,
    paths,
    tags: [
      { name: 'config', description: 'config admin API (admin token)' },
      {
        name: 'events',
        description: 'queue events (project token); event log, redelivery, trigger state (project or admin token)',
      },
      { name: 'cluster', description: 'members, leader, partition map' },
      { name: 'operations', description: 'health, readiness, metrics' },
      { name: 'console', description: 'the web console' },
    ],
    components: {
      ...scanned.components,
      securitySchemes: { ...scanned.components?.securitySchemes, ...SECURITY_SCHEMES },
      schemas: { ...scanned.components?.schemas, ...gatewaySchemas() },
    },
  };
  const unmatched = Object.keys(operations)
    .filter((key) => !seen.has(key))
    .sort();
  return { document, undocumented: undocumented.sort(), unmatched, problems };
}
