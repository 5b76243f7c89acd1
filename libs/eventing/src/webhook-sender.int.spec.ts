import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptDeadline, WebhookSender } from './delivery/webhook-sender';
import { ssrfPolicy } from './delivery/ssrf';

// The attempt deadline against real HTTP on loopback: it bounds the whole attempt (no answer at all,
// and headers sent but the body stalled), and an answer in time is unaffected by it.
let server: Server;
let base: string;
const stalled: ServerResponse[] = [];
/** Bytes the endless chunked response got to write before the client stopped reading. */
let endlessWritten = 0;

/** Bound of the endless response: far above what loopback socket buffers take in before backpressure. */
const ENDLESS_BOUND_BYTES = 64 * 1_048_576;

/** Writes 64 KiB chunks (no declared length) until the client goes away, bounded at ENDLESS_BOUND_BYTES. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(65_536, 'x');
  endlessWritten = 0;
  const more = (): void => {
    while (!res.destroyed && endlessWritten < ENDLESS_BOUND_BYTES) {
      endlessWritten += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end();
  };
  res.on('close', () => res.removeAllListeners('drain'));
  more();
}
const sender = new WebhookSender(ssrfPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] }), 2048);

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/silent') return void stalled.push(res);
      if (req.url === '/stalled-body' || req.url === '/stalled-chunked') {
        res.writeHead(200, {
          'content-type': 'text/plain',
          ...(req.url === '/stalled-body' ? { 'content-length': '100' } : {}),
        });
        res.write('partial');
        return void stalled.push(res);
      }
      if (req.url === '/endless-chunked') return void endless(res);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of stalled) res.destroy();
  await sender.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (path: string, timeoutMs: number): ReturnType<WebhookSender['send']> =>
  sender.send({ url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs });

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
    expect(endlessWritten).toBeLessThan(ENDLESS_BOUND_BYTES);
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
