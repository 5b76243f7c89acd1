import { describe, expect, it } from 'vitest';
import { parseConsulIndex, RequestContext, statusCodeOf, unpackResponse, withRequestContext } from './consul-request';

describe('parseConsulIndex', () => {
  it('reads a non-negative integer header and rejects anything else', () => {
    expect(parseConsulIndex('42')).toBe(42);
    expect(parseConsulIndex(['7'])).toBe(7);
    expect(parseConsulIndex('0')).toBe(0);
    expect(parseConsulIndex(undefined)).toBeUndefined();
    expect(parseConsulIndex('-1')).toBeUndefined();
    expect(parseConsulIndex('12abc')).toBeUndefined();
    expect(parseConsulIndex('99999999999999999999')).toBeUndefined();
  });
});

describe('unpackResponse', () => {
  it('splits [response, body] and refuses a bare body', () => {
    expect(unpackResponse([{ statusCode: 200, headers: { 'x-consul-index': '3' } }, [1]])).toEqual({
      statusCode: 200,
      headers: { 'x-consul-index': '3' },
      body: [1],
    });
    expect(unpackResponse([{ statusCode: 404, headers: {} }]).body).toBeUndefined();
    expect(() => unpackResponse({ ID: 'x' })).toThrow(/RequestContext/);
  });
});

describe('statusCodeOf', () => {
  it('reads papi response errors and ignores transport errors', () => {
    expect(statusCodeOf(Object.assign(new Error('x'), { response: { statusCode: 409 } }))).toBe(409);
    expect(statusCodeOf(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});

describe('withRequestContext', () => {
  it('cancels the context when the signal aborts and refuses an aborted signal', async () => {
    const controller = new AbortController();
    const cancelled = await withRequestContext(controller.signal, (ctx: RequestContext) => {
      const seen = new Promise<boolean>((resolve) => ctx.once('cancel', () => resolve(true)));
      controller.abort();
      return seen;
    });
    expect(cancelled).toBe(true);
    await expect(withRequestContext(controller.signal, async () => 1)).rejects.toThrow();
  });
});
