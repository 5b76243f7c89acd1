// The gateway's OpenAPI document against the real built gateway (standalone: config-service + gateway +
// redis-server): every route Nest mounted (read from the gateway's own "Mapped {…} route" log lines)
// is in the document with a summary and its responses, each route's real answer to a request without a
// token and with the admin token is one of the codes documented for it, a body the gateway cannot take
// (not JSON: 415; over the body limit: 413) is refused on each API family in the body the document names,
// and Swagger UI loads.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenAPIObject, type OperationObject, type ParameterObject, type ResponseObject } from '@nestjs/swagger';
import { AppStack, call, type LaunchedApp, projectBody, useRedisServer, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_MIB } from './operations/shared';
import { HTTP_METHODS, operationKeys } from './openapi-document';
import { schemaMismatches } from './testing-fixtures/schema-mismatches';

const ADMIN = 'admin-token-0123456789abcdef';
const redis = useRedisServer();

/** `METHOD /path/{param}` of every route the gateway's RouterExplorer logged as mapped (debug level). */
function mountedRoutes(logFile: string): string[] {
  const routes = new Set<string>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('RouterExplorer')) continue;
    const msg = (JSON.parse(line) as { msg?: string }).msg ?? '';
    const match = /^Mapped \{(\S+), (\w+)\} route$/.exec(msg);
    if (match?.[1] && match[2]) routes.add(`${match[2]} ${match[1].replace(/:(\w+)/g, '{$1}')}`);
  }
  return [...routes].sort();
}

function operations(
  document: OpenAPIObject,
): { key: string; path: string; method: string; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ key: `${method.toUpperCase()} ${path}`, path, method, operation }] : [];
    }),
  );
}

describe('OpenAPI at /docs (built gateway)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-docs-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      clusterId: 'docs',
      configPath: join(workDir, 'spaceport.yaml'),
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
      logLevel: 'debug',
    });
    await stack.launch('config-service', 'config-service');
    gateway = await stack.launch('gateway', 'gateway');
    await waitFor(
      async () =>
        (await fetch(`${gateway.url}/v1/config/projects`, { headers: { authorization: `Bearer ${ADMIN}` } })).status ===
        200,
      {
        what: 'the gateway holding a config',
        timeoutMs: 15_000,
      },
    );
    const res = await fetch(`${gateway.url}/docs-json`);
    expect(res.status).toBe(200);
    document = (await res.json()) as OpenAPIObject;
  }, 60_000);

  afterAll(async () => {
    await stack?.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('is OpenAPI 3 with the admin and project token schemes', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components?.securitySchemes).toMatchObject({
      adminToken: { type: 'http', scheme: 'bearer' },
      projectToken: { type: 'http', scheme: 'bearer' },
    });
  });

  it('lists exactly the routes Nest mounted', () => {
    const mounted = mountedRoutes(gateway.logFile);
    expect(mounted.length).toBeGreaterThanOrEqual(20);
    expect(mounted).toContain('POST /v1/api/{project}/eventing/events/{id}/redeliver');
    expect(operationKeys(document)).toEqual(mounted);
  });

  it('describes every operation: summary, tag, path parameters, responses, security', () => {
    for (const { key, path, operation } of operations(document)) {
      expect(operation.summary, key).toBeTruthy();
      expect(operation.tags?.length, key).toBe(1);
      expect(operation.security, key).toBeDefined();
      const statuses = Object.keys(operation.responses);
      expect(
        statuses.some((s) => s.startsWith('2')),
        `${key} has a success response`,
      ).toBe(true);
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const documented = (operation.parameters as ParameterObject[]).filter((p) => p.in === 'path');
      expect(
        documented.map((p) => p.name),
        key,
      ).toEqual(pathParams);
      for (const param of documented) expect(param.description, `${key} {${param.name}}`).toBeTruthy();
    }
    const queue = document.paths['/v1/api/{project}/eventing/queue']?.post;
    expect(queue?.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/QueueEvent' } } },
    });
    // 200 and 504: isSynchronous; 415: not JSON; no 404: an unknown project answers 401 (no enumeration)
    expect(Object.keys(queue?.responses ?? {}).sort()).toEqual([
      '200',
      '202',
      '400',
      '401',
      '413',
      '415',
      '422',
      '503',
      '504',
    ]);
    expect(queue?.security).toEqual([{ projectToken: [] }]);
    expect(document.paths['/v1/api/{project}/eventing/events']?.get?.security).toEqual([
      { projectToken: [] },
      { adminToken: [] },
    ]);
    expect(
      (document.paths['/v1/api/{project}/eventing/events']?.get?.parameters as ParameterObject[])
        .filter((p) => p.in === 'query')
        .map((p) => p.name),
    ).toEqual(['status', 'type', 'trigger', 'since', 'until', 'limit', 'cursor']);
    expect(document.components?.schemas?.['QueueEvent']).toMatchObject({ required: ['type', 'payload'] });
  });

  it('answers every route with a status code the document lists for it (no token, and the admin token on an unknown project)', async () => {
    const undocumented: string[] = [];
    for (const token of [undefined, ADMIN]) {
      for (const { key, path, method, operation } of operations(document)) {
        const url = path.replace('{asset}', 'nope.txt').replace(/\{\w+\}/g, 'nope');
        const res = await fetch(`${gateway.url}${url}`, {
          method: method.toUpperCase(),
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(method === 'get' ? {} : { 'content-type': 'application/json' }),
          },
          ...(method === 'get' ? {} : { body: '{}' }),
        });
        await res.arrayBuffer();
        if (!(String(res.status) in operation.responses))
          undocumented.push(`${key} (${token ? 'admin token' : 'no token'}) → ${res.status}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('refuses a body it cannot take (text/plain: 415, over the body limit: 413) on each API family, in the schema the document names', async () => {
    const families = [
      ['config', '/v1/config/projects/{project}'],
      ['queue', '/v1/api/{project}/eventing/queue'],
      ['observe', '/v1/api/{project}/eventing/dlq/redrive'],
    ] as const;
    const tooLarge = JSON.stringify({ type: 'a', payload: 'x'.repeat((BODY_LIMIT_MIB + 1) * 1_048_576) });
    const refusals = [
      {
        status: 415,
        type: 'text/plain',
        body: '{"type":"a","payload":1}',
        message: /^Content-Type: application\/json is expected, got "text\/plain"$/,
      },
      { status: 413, type: 'application/json', body: tooLarge, message: /too large/ },
    ];
    const schemas = document.components?.schemas ?? {};
    for (const [family, path] of families) {
      for (const { status, type, body, message } of refusals) {
        const what = `${family}: POST ${path} → ${status}`;
        // no token: the body is refused before any token is looked at
        const res = await fetch(`${gateway.url}${path.replace('{project}', 'docs')}`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        expect(res.status, what).toBe(status);
        const answer = (await res.json()) as Record<string, unknown>;
        expect(answer, what).toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
        const documented = (document.paths[path]?.post?.responses[String(status)] as ResponseObject | undefined)
          ?.content?.['application/json']?.schema;
        expect(documented, what).toEqual({ $ref: '#/components/schemas/ApiError' });
        expect(schemaMismatches(answer, documented ?? {}, schemas), what).toEqual([]);
      }
    }
  });

  it('security as documented: the observe API takes a project or the admin token (read token: reads only), the queue API a project token only', async () => {
    const READ = 'read-token-0123456789abcdef';
    const project = projectBody('Docs');
    const projectToken = project.secrets.apiTokens[0] ?? '';
    expect((await call(gateway.url, 'POST', '/v1/config/projects/docs', ADMIN, project)).status).toBe(200);
    const queued = await call(gateway.url, 'POST', '/v1/api/docs/eventing/queue', projectToken, {
      type: 'a.b',
      payload: {},
    });
    expect(queued.status).toBe(202);
    const events = '/v1/api/docs/eventing/events';
    for (const token of [projectToken, ADMIN, READ]) {
      const list = await call(gateway.url, 'GET', events, token);
      expect(list.status).toBe(200);
      expect((list.body['events'] as { id: string }[]).map((e) => e.id)).toEqual([queued.body['eventId']]);
      expect((await call(gateway.url, 'GET', '/v1/api/docs/eventing/triggers', token)).status).toBe(200);
    }
    expect((await call(gateway.url, 'GET', events, 'not-a-token-0123456789abcdef')).status).toBe(401);
    const redeliver = `${events}/${String(queued.body['eventId'])}/redeliver`;
    expect((await call(gateway.url, 'POST', redeliver, READ, {})).status).toBe(403);
    // past the token check: the event has no delivery to send again
    expect((await call(gateway.url, 'POST', redeliver, ADMIN, {})).status).toBe(404);
    expect(
      (await call(gateway.url, 'POST', '/v1/api/docs/eventing/queue', ADMIN, { type: 'a.b', payload: {} })).status,
    ).toBe(401);
  });

  it('serves Swagger UI at /docs, with its assets from the gateway', async () => {
    const res = await fetch(`${gateway.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="(\.\/[^"]+|\/docs[^"]*)"/g)].map((m) =>
      new URL(m[1] ?? '', `${gateway.url}/docs`).toString(),
    );
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) expect((await fetch(asset)).status, asset).toBe(200);
  });
});
