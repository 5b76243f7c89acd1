import { type OpenAPIObject, type ReferenceObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { BODY_ERRORS, GATEWAY_OPERATIONS, type OperationSpec } from './gateway-operations';
import { mergeTables } from './merge-tables';
import { completeGatewayDocument, gatewaySchemas, HTTP_METHODS, operationKeys } from './openapi-document';

/** A document as SwaggerModule.createDocument would scan it: the operations, bare. */
function scanned(keys: string[]): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const key of keys) {
    const [method = '', path = ''] = key.split(' ');
    paths[path] = {
      ...paths[path],
      [method.toLowerCase()]: { operationId: key, responses: { 200: { description: '' } } },
    };
  }
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: {} };
}

/** Every `$ref` anywhere inside a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

const spec: OperationSpec = {
  tag: 'events',
  auth: 'project-or-admin',
  summary: 'Read an event',
  pathParams: { project: 'project id', id: 'event id' },
  params: [{ name: 'Idempotency-Key', in: 'header', description: 'key' }],
  body: { schema: 'QueueEvent', required: true },
  responses: {
    200: { description: 'ok', schema: 'Event' },
    404: { description: 'unknown', schema: 'ApiError', headers: { 'Retry-After': 'seconds' } },
  },
};

describe('completeGatewayDocument', () => {
  it('fills a scanned operation from its table entry', () => {
    const { document, undocumented, unmatched, problems } = completeGatewayDocument(
      scanned(['POST /p/{project}/e/{id}']),
      { 'POST /p/{project}/e/{id}': spec },
    );
    const operation = document.paths['/p/{project}/e/{id}']?.post;
    expect(operation).toMatchObject({
      operationId: 'POST /p/{project}/e/{id}',
      tags: ['events'],
      summary: 'Read an event',
      security: [{ projectToken: [] }, { adminToken: [] }],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/QueueEvent' } } },
      },
    });
    expect(operation?.parameters).toEqual([
      { name: 'project', in: 'path', required: true, schema: { type: 'string' }, description: 'project id' },
      { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'event id' },
      { name: 'Idempotency-Key', in: 'header', required: false, description: 'key', schema: { type: 'string' } },
    ]);
    expect(operation?.responses['404']).toEqual({
      description: 'unknown',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      headers: { 'Retry-After': { description: 'seconds', schema: { type: 'string' } } },
    });
    expect(document.components?.securitySchemes).toHaveProperty('adminToken');
    expect([undocumented, unmatched, problems]).toEqual([[], [], []]);
  });

  it('adds 415 and 413 to an operation with a body (its own entry for a code wins), none without one', () => {
    const own413 = { ...spec, responses: { ...spec.responses, 413: { description: 'mine', schema: 'ApiError' } } };
    const { document } = completeGatewayDocument(scanned(['POST /a', 'POST /b', 'GET /c']), {
      'POST /a': spec,
      'POST /b': own413,
      'GET /c': { ...spec, body: undefined },
    });
    const statuses = (path: string, method: 'get' | 'post') =>
      Object.keys(document.paths[path]?.[method]?.responses ?? {});
    expect(statuses('/a', 'post')).toEqual(['200', '404', '413', '415']);
    expect(document.paths['/a']?.post?.responses['415']).toEqual({
      description: BODY_ERRORS[415]?.description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    });
    expect(document.paths['/b']?.post?.responses['413']).toMatchObject({ description: 'mine' });
    expect(document.paths['/b']?.post?.responses['415']).toMatchObject({ description: BODY_ERRORS[415]?.description });
    expect(statuses('/c', 'get')).toEqual(['200', '404']);
  });

  it('keeps routes the table misses and reports them, and reports table entries no route matched', () => {
    const result = completeGatewayDocument(scanned(['GET /new', 'DELETE /p/{project}/e/{id}']), {
      'POST /p/{project}/e/{id}': spec,
    });
    expect(result.undocumented).toEqual(['DELETE /p/{project}/e/{id}', 'GET /new']);
    expect(result.unmatched).toEqual(['POST /p/{project}/e/{id}']);
    expect(result.document.paths['/new']?.get).toEqual({
      operationId: 'GET /new',
      responses: { 200: { description: '' } },
    });
  });

  it('reports path parameters without a description', () => {
    const { problems } = completeGatewayDocument(scanned(['GET /p/{project}/x/{other}']), {
      'GET /p/{project}/x/{other}': { ...spec, body: undefined },
    });
    expect(problems).toEqual(['GET /p/{project}/x/{other} {other}']);
  });

  it('operationKeys lists METHOD path pairs, sorted', () => {
    expect(operationKeys(scanned(['POST /b', 'GET /b', 'GET /a']))).toEqual(['GET /a', 'GET /b', 'POST /b']);
    expect(HTTP_METHODS).toContain('delete');
  });
});

describe('the gateway operation table', () => {
  const all = completeGatewayDocument(scanned(Object.keys(GATEWAY_OPERATIONS)));

  it("merges the families' tables, refusing an operation described in two", () => {
    expect(Object.keys(mergeTables('operation', { 'GET /a': spec }, { 'POST /a': spec }))).toEqual([
      'GET /a',
      'POST /a',
    ]);
    expect(() => mergeTables('operation', { 'GET /a': spec }, { 'GET /a': spec })).toThrow(
      'operation GET /a is described twice',
    );
  });

  it('describes every path parameter and leaves nothing unmatched', () => {
    expect(all.problems).toEqual([]);
    expect(all.unmatched).toEqual([]);
  });

  it('references only schemas that exist', () => {
    const schemas = gatewaySchemas();
    const refs = new Set(refsIn(all.document));
    expect(refs.size).toBeGreaterThan(10);
    for (const target of refs)
      expect(Object.keys(schemas), target).toContain(target.replace('#/components/schemas/', ''));
  });

  it('answers 415 and 413 with the one error body (ApiError) on every operation that takes a body', () => {
    const bodied = Object.entries(all.document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.flatMap((method) => {
        const operation = item[method];
        return operation ? [{ key: `${method.toUpperCase()} ${path}`, operation }] : [];
      }),
    );
    const withBody = bodied.filter(({ operation }) => operation.requestBody !== undefined);
    expect(withBody.map(({ key }) => key)).toContain('POST /v1/config/projects/{project}');
    expect(withBody.length).toBe(Object.values(GATEWAY_OPERATIONS).filter((o) => o.body).length);
    for (const { key, operation } of withBody) {
      for (const status of ['413', '415']) {
        expect(operation.responses[status], `${key} ${status}`).toMatchObject({
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
        });
      }
    }
    for (const { key, operation } of bodied.filter(({ operation }) => operation.requestBody === undefined))
      expect(Object.keys(operation.responses), key).not.toContain('415');
  });

  it('gives every operation a success response and every authenticated one a 401', () => {
    for (const [key, operation] of Object.entries(GATEWAY_OPERATIONS)) {
      const statuses = Object.keys(operation.responses).map(Number);
      expect(
        statuses.some((s) => s >= 200 && s < 300),
        key,
      ).toBe(true);
      if (operation.auth !== 'none') expect(statuses, key).toContain(401);
    }
  });

  it('states the queue body as the zod schema has it: type + payload required, unknown fields refused', () => {
    const queue = gatewaySchemas()['QueueEvent'] as Exclude<ReturnType<typeof gatewaySchemas>[string], ReferenceObject>;
    expect(queue.required).toEqual(['type', 'payload']);
    expect(queue.additionalProperties).toBe(false);
    expect(Object.keys(queue.properties ?? {}).sort()).toEqual([
      'delay',
      'isSynchronous',
      'options',
      'partitionKey',
      'payload',
      'timestamp',
      'type',
    ]);
  });
});
