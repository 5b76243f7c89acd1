// One error body on every route family of the built gateway (config-service + gateway, file store, real
// Redis): queue, batch, config, observe, Nest's own 404 and 400, the body parser's 413 and a non-JSON
// body's 415 — each `{statusCode, error, message, issues?}`, `message` naming the field when one is wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStack, call, type LaunchedApp, projectBody, useRedisServer, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const redis = useRedisServer();

interface Case {
  readonly what: string;
  readonly method: string;
  readonly path: string;
  readonly token?: string;
  readonly type?: string;
  readonly body?: string;
  readonly status: number;
  /** `message` starts with this (the field, when one is wrong) */
  readonly message: RegExp;
}

const json = 'application/json';
const big = JSON.stringify({ type: 'a', payload: 'x'.repeat(12 * 1_048_576) });
const cases: Case[] = [
  { what: 'Nest 404', method: 'GET', path: '/nope', status: 404, message: /^Cannot GET \/nope/ },
  {
    what: 'queue: field',
    method: 'POST',
    path: '/v1/api/shop/eventing/queue',
    token: PROJECT_TOKEN,
    type: json,
    body: '{"payload":{}}',
    status: 400,
    message: /^type: is required/,
  },
  {
    what: 'queue: malformed JSON',
    method: 'POST',
    path: '/v1/api/shop/eventing/queue',
    token: PROJECT_TOKEN,
    type: json,
    body: '{bad',
    status: 400,
    message: /JSON/,
  },
  {
    what: 'queue: token',
    method: 'POST',
    path: '/v1/api/nope/eventing/queue',
    token: PROJECT_TOKEN,
    type: json,
    body: '{"type":"a","payload":1}',
    status: 401,
    message: /project token/,
  },
  {
    what: 'queue: text/plain',
    method: 'POST',
    path: '/v1/api/shop/eventing/queue',
    token: PROJECT_TOKEN,
    type: 'text/plain',
    body: '{"type":"a","payload":1}',
    status: 415,
    message: /^Content-Type: application\/json is expected/,
  },
  {
    what: 'queue: no content type',
    method: 'POST',
    path: '/v1/api/shop/eventing/queue',
    token: PROJECT_TOKEN,
    body: '{"type":"a","payload":1}',
    status: 415,
    message: /^Content-Type: application\/json is expected, got none/,
  },
  {
    what: 'queue: body parser 413',
    method: 'POST',
    path: '/v1/api/shop/eventing/queue',
    token: PROJECT_TOKEN,
    type: json,
    body: big,
    status: 413,
    message: /./,
  },
  {
    what: 'batch: field',
    method: 'POST',
    path: '/v1/api/shop/eventing/queue/batch',
    token: PROJECT_TOKEN,
    type: json,
    body: '{"events":[{"type":"a","payload":1,"colour":"red"}]}',
    status: 400,
    message: /^events\.0\.colour: unknown field/,
  },
  {
    what: 'config: field',
    method: 'POST',
    path: '/v1/config/projects/shop/eventing/triggers/t',
    token: ADMIN,
    type: json,
    body: '{"type":"a","url":"ftp://x"}',
    status: 400,
    message: /^url: must use http or https/,
  },
  {
    what: 'config: Nest 400 (malformed JSON)',
    method: 'POST',
    path: '/v1/config/projects/shop',
    token: ADMIN,
    type: json,
    body: '{bad',
    status: 400,
    message: /JSON/,
  },
  {
    what: 'config: 404',
    method: 'GET',
    path: '/v1/config/projects/nope',
    token: ADMIN,
    status: 404,
    message: /^project "nope" not found/,
  },
  {
    what: 'config: body parser 413',
    method: 'POST',
    path: '/v1/config/projects/shop',
    token: ADMIN,
    type: json,
    body: big,
    status: 413,
    message: /too large/,
  },
  {
    what: 'config: text/plain',
    method: 'POST',
    path: '/v1/config/projects/shop',
    token: ADMIN,
    type: 'text/plain',
    body: '{}',
    status: 415,
    message: /^Content-Type: application\/json is expected/,
  },
  {
    what: 'observe: field',
    method: 'GET',
    path: '/v1/api/shop/eventing/events?limit=abc',
    token: PROJECT_TOKEN,
    status: 400,
    message: /^limit: /,
  },
  {
    what: 'observe: 404',
    method: 'GET',
    path: '/v1/api/shop/eventing/events/nope',
    token: PROJECT_TOKEN,
    status: 404,
    message: /not in the log/,
  },
  {
    what: 'observe: text/plain',
    method: 'POST',
    path: '/v1/api/shop/eventing/dlq/redrive',
    token: PROJECT_TOKEN,
    type: 'text/plain',
    body: 'hi',
    status: 415,
    message: /^Content-Type: application\/json is expected/,
  },
];

describe('one error body on every route family (built gateway)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-errors-'));
  let stack: AppStack;
  let gateway: LaunchedApp;

  beforeAll(async () => {
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      configPath: join(workDir, 'spaceport.yaml'),
      clusterId: 'errors',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
    });
    await stack.launch('config-service', 'config-service');
    gateway = await stack.launch('gateway', 'gateway');
    await waitFor(async () => (await call(gateway.url, 'GET', '/v1/config/projects', ADMIN)).status === 200, {
      what: 'the gateway holding a config',
      timeoutMs: 15_000,
    });
    expect((await call(gateway.url, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await stack?.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each(cases)('$what → $status', async ({ method, path, token, type, body, status, message }) => {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (type) headers['content-type'] = type;
    // bytes, not a string: fetch would add `text/plain` to a string body without a content type
    const payload = body === undefined ? {} : { body: Buffer.from(body) };
    const res = await fetch(`${gateway.url}${path}`, { method, headers, ...payload });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer['statusCode']).toBe(status);
    expect(typeof answer['error']).toBe('string');
    expect(String(answer['message'])).toMatch(message);
    if (answer['issues'] !== undefined) {
      const issues = answer['issues'] as { field: string; message: string }[];
      expect(String(answer['message']).startsWith(`${issues[0]?.field}: `)).toBe(true);
    }
  });
});
