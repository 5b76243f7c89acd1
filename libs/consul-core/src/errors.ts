import { type ConsulConnection } from './connection';

/**
 * Clear, typed errors for failed calls through the `consul` client (papi underneath).
 *
 * The client's own errors are not kept as `cause`: a papi ResponseError carries the raw response and,
 * through it, the request with its `X-Consul-Token` header, which a logger serialising the error
 * would print. A mapped error keeps only what is safe: status, error code and Consul's message with
 * every known secret redacted.
 */
export type ConsulFailureKind = 'access-denied' | 'unavailable' | 'tls' | 'aborted' | 'response' | 'unknown';

export class ConsulRequestError extends Error {
  constructor(
    readonly kind: ConsulFailureKind,
    /** what was attempted, e.g. `kv.get spaceport/default/config` */
    readonly operation: string,
    message: string,
    /** HTTP status when Consul (or a proxy in front of it) answered */
    readonly statusCode?: number,
    /** Node/OpenSSL error code for transport failures, e.g. ECONNREFUSED */
    readonly code?: string,
  ) {
    super(`consul ${operation}: ${message}`);
    this.name = 'ConsulRequestError';
  }
}

/** 401/403: missing, unknown or insufficient ACL token (or rejected basic auth). */
export class ConsulAccessDenied extends ConsulRequestError {
  constructor(operation: string, message: string, statusCode: number) {
    super('access-denied', operation, message, statusCode);
    this.name = 'ConsulAccessDenied';
  }
}

/** The agent could not be reached, timed out or answered 5xx: usually worth retrying. */
export class ConsulUnavailable extends ConsulRequestError {
  constructor(operation: string, message: string, statusCode?: number, code?: string) {
    super('unavailable', operation, message, statusCode, code);
    this.name = 'ConsulUnavailable';
  }
}

/** The TLS handshake failed: untrusted or misnamed server certificate, missing client certificate. */
export class ConsulTlsError extends ConsulRequestError {
  constructor(operation: string, message: string, code: string) {
    super('tls', operation, message, undefined, code);
    this.name = 'ConsulTlsError';
  }
}

/** The secrets of a connection, for `toConsulError`'s redaction. */
export function connectionSecrets(connection: ConsulConnection): string[] {
  return [connection.token, connection.basicAuth?.password].filter((secret): secret is string => !!secret);
}

/** Replaces every occurrence of each secret (ignoring empty ones) with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((secret) => secret.length > 0)
    .reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The text Consul put in an error response (it answers errors as text/plain). */
function responseText(body: unknown): string {
  if (typeof body === 'string') return body.trim();
  if (Buffer.isBuffer(body)) return body.toString('utf8').trim();
  if (body !== undefined && body !== null) return JSON.stringify(body);
  return '';
}

const MAX_DETAIL = 300;

function detail(text: string, secrets: readonly string[]): string {
  const clean = redactSecrets(text, secrets).replace(/\s+/g, ' ');
  return clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL)}…` : clean;
}

function fromResponse(operation: string, status: number, text: string): ConsulRequestError {
  const said = text ? `: ${text}` : '';
  if (status === 403) {
    const hint = /ACL not found/i.test(text)
      ? ' (the ACL token does not exist: check CONSUL_HTTP_TOKEN / CONSUL_HTTP_TOKEN_FILE)'
      : ' (the ACL token lacks the permission, or none was given)';
    return new ConsulAccessDenied(operation, `access denied (403)${said}${hint}`, status);
  }
  if (status === 401)
    return new ConsulAccessDenied(operation, `unauthorized (401)${said} (check CONSUL_HTTP_AUTH)`, status);
  if (status >= 500) return new ConsulUnavailable(operation, `Consul answered ${status}${said}`, status);
  if (status === 400 && /HTTP request to an HTTPS server/i.test(text)) {
    const message = 'the agent serves HTTPS on this port: use https:// or CONSUL_HTTP_SSL=true';
    return new ConsulRequestError('response', operation, message, status);
  }
  return new ConsulRequestError('response', operation, `Consul answered ${status}${said}`, status);
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);
const VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * Hint for a TLS failure, undefined when the code is not a TLS one. Node reports some OpenSSL
 * failures only as EPROTO with the reason in the message (e.g. "wrong version number").
 */
export function tlsHint(code: string, message = ''): string | undefined {
  if (VERIFY_CODES.has(code)) return 'the server certificate is not trusted: check CONSUL_CACERT / CONSUL_CAPATH';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'the server certificate does not name this host: check CONSUL_TLS_SERVER_NAME';
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE/.test(code)) {
    return 'the agent rejected the handshake, it likely requires a client certificate: check CONSUL_CLIENT_CERT / CONSUL_CLIENT_KEY';
  }
  if (
    /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG/.test(code) ||
    /wrong version number|packet length too long/i.test(message)
  ) {
    return "the agent does not speak TLS on this port: use http:// or the agent's HTTPS port";
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') return 'TLS handshake failed';
  return undefined;
}

function fromTransport(operation: string, error: unknown, secrets: readonly string[]): ConsulRequestError {
  const code = typeof field(error, 'code') === 'string' ? (field(error, 'code') as string) : undefined;
  const message = detail(error instanceof Error ? error.message : String(error), secrets);
  if (field(error, 'isTimeout') === true)
    return new ConsulUnavailable(operation, `timed out: ${message}`, undefined, 'ETIMEDOUT');
  if (field(error, 'isAbort') === true) return new ConsulRequestError('aborted', operation, 'request aborted');
  const hint = code !== undefined ? tlsHint(code, message) : undefined;
  if (code !== undefined && hint !== undefined)
    return new ConsulTlsError(operation, `${hint} (${code}: ${message})`, code);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
    return new ConsulUnavailable(operation, `cannot reach the Consul agent (${message})`, undefined, code);
  }
  return new ConsulRequestError('unknown', operation, message, undefined, code);
}

/**
 * Maps anything the `consul` client threw to a `ConsulRequestError` subclass whose message says what
 * went wrong and never contains the given secrets. Already-mapped errors pass through unchanged.
 */
export function toConsulError(error: unknown, operation: string, secrets: readonly string[] = []): ConsulRequestError {
  if (error instanceof ConsulRequestError) return error;
  const response = field(error, 'response');
  const status = field(response, 'statusCode');
  if (typeof status === 'number')
    return fromResponse(operation, status, detail(responseText(field(response, 'body')), secrets));
  return fromTransport(operation, error, secrets);
}

/** Runs one client call and rethrows its failure mapped by `toConsulError`. */
export async function callConsul<T>(
  operation: string,
  call: () => Promise<T>,
  secrets: readonly string[] = [],
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toConsulError(error, operation, secrets);
  }
}
