import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Per-request context for the `consul` client (papi underneath). Being an EventEmitter, papi aborts
 * the HTTP request when it emits `cancel`; `includeResponse` makes the client resolve with
 * `[response, body]`, which is how the `X-Consul-Index` header is read.
 */
export class RequestContext extends EventEmitter {
  readonly includeResponse = true;

  cancel(): void {
    this.emit('cancel');
  }
}

/**
 * Options the `consul` client forwards to papi (see its utils.options) without declaring them in its
 * typings: blocking `index`/`wait`, the request `ctx` and a client-side `timeout` in ms.
 */
export type ClientCall<T> = T & { index?: string; wait?: string; ctx?: RequestContext; timeout?: number };

/** The raw HTTP response the client hands back with `includeResponse`. */
export interface ConsulResponse<T> {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: T | undefined;
}

interface ResponseLike {
  statusCode?: number;
  headers?: IncomingHttpHeaders;
  body?: unknown;
}

function isResponseLike(value: unknown): value is ResponseLike {
  return typeof value === 'object' && value !== null && 'headers' in value;
}

/** Unpacks a client result obtained with a `RequestContext` (`[response, body?]`). */
export function unpackResponse<T>(result: unknown): ConsulResponse<T> {
  if (!Array.isArray(result) || !isResponseLike(result[0])) {
    throw new Error('consul client did not return the raw response: pass a RequestContext as ctx');
  }
  const response = result[0];
  return { statusCode: response.statusCode ?? 0, headers: response.headers ?? {}, body: result[1] as T | undefined };
}

/** The `X-Consul-Index` header as a number, or undefined when absent or not a non-negative integer. */
export function parseConsulIndex(raw: string | string[] | undefined): number | undefined {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Runs `call` with a fresh RequestContext that is cancelled (aborting the HTTP request) when
 * `signal` aborts. Rejects at once if the signal is already aborted.
 */
export async function withRequestContext<T>(
  signal: AbortSignal | undefined,
  call: (ctx: RequestContext) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const ctx = new RequestContext();
  const cancel = (): void => ctx.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await call(ctx);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/** HTTP status of a failed client call (papi ResponseError), undefined for transport errors. */
export function statusCodeOf(error: unknown): number | undefined {
  const response = field(error, 'response');
  const status = field(response, 'statusCode');
  return typeof status === 'number' ? status : undefined;
}

/** Decoded body of a failed client call's response (e.g. the `Errors` of a rolled-back txn). */
export function responseBodyOf(error: unknown): unknown {
  return field(field(error, 'response'), 'body');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
