// The gateway's OpenAPI document against what the gateway serves, without starting it: the routes its
// module tree declares (decorator metadata) and the lean queue route in front of Nest. A route added
// without an operation, or a body without a schema, fails here; api-docs.int.spec.ts checks the same
// against the running gateway.
import { declaredRoutes, GATEWAY_OPERATIONS, gatewaySchemas } from '@spaceport/api-docs';
import { RuntimeModule } from '@spaceport/app-runtime';
import { leanQueueRequest } from '@spaceport/eventing';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from './app.module';
import { loadGatewaySettings } from './settings';

/** a valid CONFIG_SIGNING_KEY (32 bytes, base64url) */
const SIGNING_KEY = Buffer.alloc(32, 7).toString('base64url');

let routes: ReturnType<typeof declaredRoutes> = [];
beforeAll(async () => {
  const settings = await loadGatewaySettings([], { CONFIG_SIGNING_KEY: SIGNING_KEY });
  const runtime = RuntimeModule.forRoot(settings, pino({ enabled: false }));
  routes = declaredRoutes(runtime, AppModule.forSettings(settings));
});
const documented = Object.keys(GATEWAY_OPERATIONS);
const schemas = gatewaySchemas();

/** `METHOD /path/{param}` → a matcher of concrete paths. */
function matcher(key: string): { method: string; test: (path: string) => boolean } {
  const [method = '', template = ''] = key.split(' ');
  const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
  return { method, test: (path) => pattern.test(path) };
}

/** The operation of the document a concrete request reaches, if any. */
function operationFor(method: string, path: string): string | undefined {
  return documented.find((key) => {
    const m = matcher(key);
    return m.method === method && m.test(path);
  });
}

describe('the gateway OpenAPI document covers what the gateway serves', () => {
  it('has an operation for every route the Nest app mounts, and none for a route it does not', () => {
    const keys = routes.map((route) => route.key);
    expect(keys.length).toBeGreaterThanOrEqual(20);
    expect(keys).toContain('POST /v1/api/{project}/eventing/queue');
    expect(keys).toContain('GET /healthz');
    expect(keys.filter((key) => !documented.includes(key))).toEqual([]);
    expect(documented.filter((key) => !keys.includes(key))).toEqual([]);
  });

  it('gives every route that takes a body a request body whose schema is in the document', () => {
    const bodied = routes.filter((route) => route.takesBody).map((route) => route.key);
    expect(bodied).toContain('POST /v1/config/projects/{project}');
    for (const key of bodied) {
      const body = GATEWAY_OPERATIONS[key]?.body;
      expect(body, `${key} has no body schema`).toBeDefined();
      expect(Object.keys(schemas), key).toContain(body?.schema);
    }
  });

  it('has an operation with a body for every path the lean queue route takes before Nest', () => {
    const probes = documented
      .filter((key) => key.startsWith('POST '))
      .map((key) => (key.split(' ')[1] ?? '').replace(/\{\w+\}/g, 'p'))
      .flatMap((path) => [path, `${path}/`, `${path}?x=1`, `${path}/batch`, `${path}/bulk`, `${path}/x/y`]);
    const taken = probes.filter(
      (url) => leanQueueRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' } }) !== undefined,
    );
    expect(taken).toContain('/v1/api/p/eventing/queue');
    expect(taken).toContain('/v1/api/p/eventing/queue/batch');
    for (const url of taken) {
      const key = operationFor('POST', (url.split('?')[0] ?? '').replace(/\/$/, ''));
      expect(key, `POST ${url} (lean route) has no operation`).toBeDefined();
      expect(GATEWAY_OPERATIONS[key ?? '']?.body, `${key} has no body schema`).toBeDefined();
    }
  });
});
