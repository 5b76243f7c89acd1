import { describe, expect, it } from 'vitest';
import {
  ConsulAccessDenied,
  ConsulRequestError,
  ConsulTlsError,
  ConsulUnavailable,
  callConsul,
  connectionSecrets,
  redactSecrets,
  tlsHint,
  toConsulError,
} from './errors';

const TOKEN = '0f1e2d3c-secret-token';

/** The shape of a failed HTTP answer as the client reports it: data only, no HTTP involved. */
function answered(statusCode: number, body: unknown): Error {
  return Object.assign(new Error('consul: kv.get: forbidden'), { response: { statusCode, body } });
}

function transportFailure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toConsulError: Consul answered', () => {
  it('maps 403 "ACL not found" to ConsulAccessDenied with a hint at the token variables', () => {
    const error = toConsulError(answered(403, 'ACL not found'), 'kv.get a/b');
    expect(error).toBeInstanceOf(ConsulAccessDenied);
    expect(error).toMatchObject({ kind: 'access-denied', statusCode: 403, operation: 'kv.get a/b' });
    expect(error.message).toMatch(/^consul kv.get a\/b: access denied \(403\): ACL not found .*CONSUL_HTTP_TOKEN/);
  });

  it('keeps Consul\'s long "Permission denied" text (papi shortens it to "forbidden")', () => {
    const text =
      'Permission denied: anonymous token lacks permission \'key:write\' on "spaceport/default/config". The anonymous token is used implicitly when a request does not specify a token.';
    const error = toConsulError(answered(403, Buffer.from(text)), 'kv.set');
    expect(error).toBeInstanceOf(ConsulAccessDenied);
    expect(error.message).toContain("lacks permission 'key:write'");
  });

  it('maps 401 to ConsulAccessDenied pointing at CONSUL_HTTP_AUTH', () => {
    expect(toConsulError(answered(401, ''), 'agent.self').message).toMatch(/unauthorized \(401\).*CONSUL_HTTP_AUTH/);
  });

  it('maps 5xx to ConsulUnavailable', () => {
    const error = toConsulError(answered(500, 'No cluster leader'), 'kv.get');
    expect(error).toBeInstanceOf(ConsulUnavailable);
    expect(error.message).toContain('No cluster leader');
  });

  it('explains a plain HTTP request to the HTTPS port', () => {
    const error = toConsulError(answered(400, 'Client sent an HTTP request to an HTTPS server.'), 'kv.get');
    expect(error.message).toMatch(/serves HTTPS on this port/);
  });

  it("maps other statuses to a response error with Consul's text, JSON bodies included", () => {
    const error = toConsulError(answered(400, { Errors: ['bad'] }), 'txn');
    expect(error).toMatchObject({ kind: 'response', statusCode: 400 });
    expect(error.message).toContain('"Errors":["bad"]');
  });

  it('redacts secrets Consul echoes and truncates long answers', () => {
    const error = toConsulError(answered(404, `no such token ${TOKEN} ${'x'.repeat(1000)}`), 'acl.read', [TOKEN]);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('toConsulError: transport failures', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT'])('%s → ConsulUnavailable', (code) => {
    const error = toConsulError(transportFailure(code, `connect ${code} 127.0.0.1:8500`), 'kv.get');
    expect(error).toBeInstanceOf(ConsulUnavailable);
    expect(error).toMatchObject({ code, kind: 'unavailable' });
    expect(error.message).toContain('cannot reach the Consul agent');
  });

  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /CONSUL_CACERT/],
    ['SELF_SIGNED_CERT_IN_CHAIN', /CONSUL_CACERT/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /CONSUL_TLS_SERVER_NAME/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', /CONSUL_CLIENT_CERT/],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', /CONSUL_CLIENT_CERT/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /does not speak TLS/],
    ['ERR_SSL_SOMETHING_ELSE', /TLS handshake failed/],
  ])('%s → ConsulTlsError %s', (code, hint) => {
    const error = toConsulError(transportFailure(code, 'tls failure'), 'kv.get');
    expect(error).toBeInstanceOf(ConsulTlsError);
    expect(error.message).toMatch(hint);
    expect(tlsHint(code)).toBeDefined();
  });

  it('reads the reason from the message when Node only says EPROTO', () => {
    const message = 'write EPROTO 802C2918CC7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number';
    expect(toConsulError(transportFailure('EPROTO', message), 'kv.get').message).toMatch(
      /does not speak TLS on this port/,
    );
    expect(toConsulError(transportFailure('EPROTO', 'other'), 'kv.get').message).toMatch(/TLS handshake failed/);
  });

  it('maps papi timeouts and aborts', () => {
    const timeout = toConsulError(
      Object.assign(new Error('request timed out (5000ms)'), { isTimeout: true }),
      'kv.get',
    );
    expect(timeout).toBeInstanceOf(ConsulUnavailable);
    expect(toConsulError(Object.assign(new Error('request aborted'), { isAbort: true }), 'kv.get').kind).toBe(
      'aborted',
    );
  });

  it('maps anything else to kind unknown, redacted, and never keeps the original as cause', () => {
    const error = toConsulError(new Error(`weird ${TOKEN}`), 'kv.get', [TOKEN]);
    expect(error).toMatchObject({ kind: 'unknown' });
    expect(error.message).not.toContain(TOKEN);
    expect(error.cause).toBeUndefined();
    expect(toConsulError('a string', 'kv.get').message).toBe('consul kv.get: a string');
  });

  it('passes an already mapped error through', () => {
    const mapped = new ConsulRequestError('response', 'kv.get', 'x', 404);
    expect(toConsulError(mapped, 'other')).toBe(mapped);
  });
});

describe('helpers', () => {
  it('connectionSecrets lists token and basic-auth password only', () => {
    expect(connectionSecrets({ host: 'h', port: 1, secure: false })).toEqual([]);
    expect(
      connectionSecrets({
        host: 'h',
        port: 1,
        secure: false,
        token: TOKEN,
        basicAuth: { username: 'u', password: 'pw' },
      }),
    ).toEqual([TOKEN, 'pw']);
  });

  it('redactSecrets replaces every occurrence and ignores empty secrets', () => {
    expect(redactSecrets('a s b s', ['s', ''])).toBe('a [redacted] b [redacted]');
  });

  it('callConsul returns the result or rethrows mapped', async () => {
    await expect(callConsul('kv.get', async () => 42)).resolves.toBe(42);
    await expect(
      callConsul('kv.get', async () => Promise.reject(answered(403, 'ACL not found'))),
    ).rejects.toBeInstanceOf(ConsulAccessDenied);
  });
});
