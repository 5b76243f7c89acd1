import { type Reply, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptDeadline, WebhookSender } from './delivery/webhook-sender';
import { ssrfPolicy } from '@spaceport/eventing-core';

// The attempt deadline against real HTTP on loopback: it bounds the whole attempt (no answer at all,
// and headers sent but the body stalled), and an answer in time is unaffected by it.

/** Bound of the endless response: far above what loopback socket buffers take in before backpressure. */
const ENDLESS_BOUND_BYTES = 64 * 1_048_576;

const receiver = new WebhookReceiver(
  (path): Reply => {
    if (path === '/silent') return { ending: 'silent' };
    if (path === '/stalled-body' || path === '/stalled-chunked') {
      const length: Record<string, string> = path === '/stalled-body' ? { 'content-length': '100' } : {};
      return { status: 200, headers: { 'content-type': 'text/plain', ...length }, body: 'partial', ending: 'stall' };
    }
    // 64 KiB chunks (no declared length) until the client goes away, bounded at ENDLESS_BOUND_BYTES
    if (path === '/endless-chunked')
      return { status: 200, headers: { 'content-type': 'text/plain' }, ending: 'endless' };
    return { status: 204 };
  },
  { endlessBoundBytes: ENDLESS_BOUND_BYTES },
);
const sender = new WebhookSender(ssrfPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] }), 2048);

beforeAll(async () => {
  await receiver.start();
});

afterAll(async () => {
  await receiver.close();
  await sender.close();
});

const send = (path: string, timeoutMs: number): ReturnType<WebhookSender['send']> =>
  sender.send({
    url: `${receiver.url}${path}`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    timeoutMs,
  });

describe('attempt deadline', () => {
  it('ends an attempt that gets no answer at its timeout', async () => {
    const outcome = await send('/silent', 200);
    expect(outcome).toMatchObject({ error: 'timed out after 200 ms', refused: false });
    expect(outcome.statusCode).toBeUndefined();
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(190);
    expect(outcome.latencyMs).toBeLessThan(1_500);
  });

  it('ends an attempt whose response body stalls after the headers', async () => {
    const outcome = await send('/stalled-body', 200);
    expect(outcome.error).toBe('timed out after 200 ms');
    expect(outcome.latencyMs).toBeLessThan(1_500);
  });

  it('ends an attempt whose chunked response body stalls', async () => {
    const outcome = await send('/stalled-chunked', 200);
    expect(outcome.error).toBe('timed out after 200 ms');
    expect(outcome.statusCode).toBeUndefined();
  });

  it('stops reading an endless chunked body after 1 MiB, keeping its first bytes', async () => {
    const outcome = await send('/endless-chunked', 5_000);
    expect(outcome).toMatchObject({ statusCode: 200, refused: false, response: 'x'.repeat(2048) });
    expect(outcome.error).toBeUndefined();
    // the connection was given up, not drained to the end
    expect(receiver.on('/endless-chunked').at(-1)?.bytesSent).toBeLessThan(ENDLESS_BOUND_BYTES);
    expect(await send('/ok', 1_000)).toMatchObject({ statusCode: 204 });
  });

  it('leaves an answer in time alone, and a cleared deadline never fires', async () => {
    expect(await send('/ok', 1_000)).toMatchObject({ statusCode: 204, refused: false });
    const deadline = new AttemptDeadline(20);
    let fired = 0;
    deadline.addEventListener('abort', () => (fired += 1));
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect({ fired, aborted: deadline.aborted }).toEqual({ fired: 0, aborted: false });
  });

  it('calls each abort listener once at expiry, with a TimeoutError reason', async () => {
    const deadline = new AttemptDeadline(10);
    const calls: string[] = [];
    const removed = (): number => calls.push('removed');
    deadline.addEventListener('abort', () => calls.push('a'));
    deadline.addEventListener('abort', removed);
    deadline.removeEventListener('abort', removed);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls).toEqual(['a']);
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason?.name).toBe('TimeoutError');
  });
});
