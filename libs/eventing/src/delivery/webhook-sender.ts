import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { type SsrfPolicy, SsrfRefusedError } from '@spaceport/eventing-core';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
}

export interface AttemptOutcome {
  /** HTTP status, undefined when no response came (refused, reset, timeout, SSRF) */
  readonly statusCode?: number;
  readonly retryAfter?: string;
  /** first bytes of the response body (UTF-8), as the invocation log keeps them */
  readonly response: string;
  /**
   * the response body up to ANSWER_LIMIT_BYTES (UTF-8): what a webhook answers with (`response`,
   * `event`, `events`; delivery/webhook-answer.ts); absent when no response came
   */
  readonly answer?: string;
  readonly latencyMs: number;
  readonly error?: string;
  /** the SSRF guard refused the target: permanent */
  readonly refused: boolean;
}

/** Response bytes read (and dropped past maxResponseBytes) so the connection can be reused. */
const DRAIN_LIMIT_BYTES = 1_048_576;
/** A webhook's answer is read up to this much (a longer one is cut, so not JSON: no follow-ups, no response). */
export const ANSWER_LIMIT_BYTES = DRAIN_LIMIT_BYTES;

/** What readBounded needs of undici's response body (a Readable). */
interface ResponseBody {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(): void;
  arrayBuffer(): Promise<ArrayBuffer>;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function isRefusal(error: unknown): SsrfRefusedError | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof SsrfRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The whole-attempt deadline (connect, queueing in the pool, request, response body), which bounds a
 * send inside its ledger claim. It is the `signal` of the undici request in the shape undici accepts
 * besides an AbortSignal or EventEmitter: an EventTarget-like object (`aborted`, `reason`,
 * `addEventListener('abort')`; undici checks for `addEventListener` and adds one listener per request).
 * One timer and a listener list instead of an AbortController, whose signal and listener bookkeeping
 * cost ≈ 10 µs per request, a fifth of a small POST through undici (measured in commit 30e6993).
 */
export class AttemptDeadline {
  aborted = false;
  reason: DOMException | undefined;
  private listeners: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  addEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners = this.listeners.filter((entry) => entry !== listener);
  }

  /** This deadline as undici's `signal` option (typed as AbortSignal there; see above). */
  signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  /** Ends the deadline when the attempt is over. */
  clear(): void {
    clearTimeout(this.timer);
    this.listeners = [];
  }

  private expire(): void {
    this.aborted = true;
    this.reason = new DOMException('attempt timed out', 'TimeoutError');
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

/**
 * Sends webhooks over undici keep-alive pools. Every connection goes through a DNS lookup that
 * checks each resolved address against the SSRF policy, so the address connected to is the one
 * checked (no DNS-rebinding window); IP-literal hosts are checked before the request.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(
    private readonly policy: SsrfPolicy,
    private readonly maxResponseBytes: number,
  ) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: 128,
      pipelining: 1,
      connect: {
        lookup: (hostname: string, options: object, callback: LookupCallback) =>
          this.guardedLookup(hostname, options, callback),
      },
    });
  }

  private guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
    const wantsAll = (options as { all?: boolean }).all === true;
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const denied = addresses.find((entry) => !this.policy.allows(entry.address));
      if (denied) return callback(new SsrfRefusedError(hostname, denied.address) as NodeJS.ErrnoException, []);
      if (wantsAll) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  }

  async send(target: WebhookRequest): Promise<AttemptOutcome> {
    const started = performance.now();
    const latency = (): number => Math.round((performance.now() - started) * 100) / 100;
    const host = new URL(target.url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !this.policy.allows(host)) {
      return { response: '', latencyMs: 0, refused: true, error: new SsrfRefusedError(host, host).message };
    }
    const deadline = new AttemptDeadline(target.timeoutMs);
    try {
      const response = await request(target.url, {
        method: 'POST',
        headers: target.headers,
        body: target.body,
        dispatcher: this.agent,
        signal: deadline.signal(),
      });
      const body = await this.readBounded(response.body, response.headers['content-length']);
      const retryAfter = response.headers['retry-after'];
      const kept = body.length > this.maxResponseBytes ? body.subarray(0, this.maxResponseBytes) : body;
      return {
        statusCode: response.statusCode,
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        response: kept.toString('utf8'),
        answer: kept === body ? undefined : body.toString('utf8'),
        latencyMs: latency(),
        refused: false,
      };
    } catch (error) {
      const refusal = isRefusal(error);
      const message = refusal?.message ?? describeError(error, target.timeoutMs);
      return { response: '', latencyMs: latency(), refused: refusal !== undefined, error: message };
    } finally {
      deadline.clear();
    }
  }

  /** Keeps the first ANSWER_LIMIT_BYTES (at least maxResponseBytes); drains up to 1 MiB so the connection can be reused. */
  private async readBounded(body: ResponseBody, contentLength: string | string[] | undefined): Promise<Buffer> {
    const declared = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN;
    const limit = Math.max(this.maxResponseBytes, ANSWER_LIMIT_BYTES);
    if (declared >= 0 && declared <= DRAIN_LIMIT_BYTES) {
      // the common case: a small declared body, read in one go
      return Buffer.from(await body.arrayBuffer()).subarray(0, limit);
    }
    // no or a large declared length (chunked): 'data' events, not `for await` (an async iterator and a
    // promise per chunk cost ≈ 1 % of a worker's CPU against a receiver that answers chunked)
    return new Promise<Buffer>((resolve, reject) => {
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let seen = 0;
      const done = (): void => resolve(Buffer.concat(kept));
      body.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (keptBytes < limit) {
          const part = chunk.subarray(0, limit - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (seen > DRAIN_LIMIT_BYTES) {
          body.destroy();
          done();
        }
      });
      body.on('end', done);
      body.on('error', reject);
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
