import { describe, expect, it } from 'vitest';
import { JSON_BODY_LIMIT_BYTES } from './json-body-limit';
import { leanQueueRequest } from './lean-queue-route';

const json = { 'content-type': 'application/json' };

describe('leanQueueRequest: which requests the lean queue route takes', () => {
  it('takes POST …/queue with a JSON body, with the project decoded', () => {
    expect(leanQueueRequest({ method: 'POST', url: '/v1/api/shop/eventing/queue', headers: json })).toEqual({
      project: 'shop',
      batch: false,
    });
    expect(
      leanQueueRequest({
        method: 'POST',
        url: '/v1/api/my%20shop/eventing/queue?x=1',
        headers: { 'content-type': 'application/json; charset=utf-8' },
      }),
    ).toEqual({ project: 'my shop', batch: false });
    expect(
      leanQueueRequest({
        method: 'POST',
        url: '/v1/api/shop/eventing/queue/',
        headers: { ...json, 'content-encoding': 'identity' },
      }),
    ).toEqual({ project: 'shop', batch: false });
  });

  it('takes POST …/queue/batch as the batch form', () => {
    expect(leanQueueRequest({ method: 'POST', url: '/v1/api/shop/eventing/queue/batch', headers: json })).toEqual({
      project: 'shop',
      batch: true,
    });
    expect(leanQueueRequest({ method: 'POST', url: '/v1/api/shop/eventing/queue/batch/?x=1', headers: json })).toEqual({
      project: 'shop',
      batch: true,
    });
  });

  it.each([
    ['another method', { method: 'GET', url: '/v1/api/shop/eventing/queue', headers: json }],
    ['a path below the batch route', { method: 'POST', url: '/v1/api/shop/eventing/queue/batch/x', headers: json }],
    [
      'a compressed batch',
      { method: 'POST', url: '/v1/api/shop/eventing/queue/batch', headers: { ...json, 'content-encoding': 'gzip' } },
    ],
    ['another route', { method: 'POST', url: '/v1/api/shop/eventing/events', headers: json }],
    ['a nested project path', { method: 'POST', url: '/v1/api/a/b/eventing/queue', headers: json }],
    ['no content type', { method: 'POST', url: '/v1/api/shop/eventing/queue', headers: {} }],
    [
      'a non-JSON content type',
      { method: 'POST', url: '/v1/api/shop/eventing/queue', headers: { 'content-type': 'application/jsonx' } },
    ],
    [
      'a compressed body',
      { method: 'POST', url: '/v1/api/shop/eventing/queue', headers: { ...json, 'content-encoding': 'gzip' } },
    ],
    [
      'a declared size over the limit',
      {
        method: 'POST',
        url: '/v1/api/shop/eventing/queue',
        headers: { ...json, 'content-length': String(JSON_BODY_LIMIT_BYTES + 1) },
      },
    ],
    ['a malformed escape', { method: 'POST', url: '/v1/api/%E0%A4%A/eventing/queue', headers: json }],
  ])('leaves %s to Nest/Express', (_name, req) => {
    expect(leanQueueRequest(req)).toBeUndefined();
  });
});
