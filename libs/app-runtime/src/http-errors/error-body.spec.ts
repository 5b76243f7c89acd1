import { describe, expect, it } from 'vitest';
import { errorBodyOf } from './error-body';
import { requireJsonBody } from './json-content-type';

describe('errorBodyOf', () => {
  it("keeps a body that has the shape, and completes Nest's, the config API's and plain ones", () => {
    const queue = {
      statusCode: 400,
      error: 'Bad Request',
      message: 'type: is required',
      issues: [{ field: 'type', message: 'is required' }],
    };
    expect(errorBodyOf(400, queue)).toEqual(queue);
    expect(errorBodyOf(413, { statusCode: 413, message: 'request entity too large' })).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'request entity too large',
    });
    // the config API's: its sentence stays in `error`; `message` names the field of the first issue
    const issues = [{ field: 'url', message: 'must use http or https' }];
    expect(errorBodyOf(400, { error: 'invalid body', issues })).toEqual({
      statusCode: 400,
      error: 'invalid body',
      message: 'url: must use http or https',
      issues,
    });
    expect(errorBodyOf(409, { error: 'trigger "t" was changed', currentVersion: 7 })).toEqual({
      statusCode: 409,
      error: 'trigger "t" was changed',
      message: 'trigger "t" was changed',
      currentVersion: 7,
    });
    expect(errorBodyOf(404, 'gone')).toEqual({ statusCode: 404, error: 'Not Found', message: 'gone' });
    expect(errorBodyOf(400, { message: ['a', 'b'] })).toMatchObject({ error: 'Bad Request', message: 'a; b' });
  });
});

describe('requireJsonBody', () => {
  const run = (headers: Record<string, string>): unknown => {
    let passed: unknown = 'not called';
    requireJsonBody({ headers }, undefined, (error?: unknown) => {
      passed = error;
    });
    return passed;
  };
  it('passes JSON bodies and requests without a body; refuses other bodies with 415', () => {
    expect(run({ 'content-type': 'application/json; charset=utf-8', 'content-length': '2' })).toBeUndefined();
    expect(run({ 'content-type': 'application/cloudevents+json', 'transfer-encoding': 'chunked' })).toBeUndefined();
    expect(run({})).toBeUndefined();
    expect(run({ 'content-type': 'text/plain', 'content-length': '0' })).toBeUndefined();
    const refused = run({ 'content-type': 'text/plain', 'content-length': '2' }) as { getStatus(): number };
    expect(refused.getStatus()).toBe(415);
    expect(run({ 'content-length': '2' })).toMatchObject({
      response: { message: 'Content-Type: application/json is expected, got none' },
    });
  });
});
