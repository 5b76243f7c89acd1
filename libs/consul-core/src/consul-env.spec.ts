import { ConfigError } from '@spaceport/runtime-core';
import { errorOf } from '@spaceport/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConsulEnvSettings, buildConsulConnection, parseConsulAddress, parseConsulEnv } from './consul-env';

const TOKEN = 'b1gS3cret-t0ken-0000-1111';
const PASSWORD = 'hunter2-very-secret';

describe('parseConsulEnv: CONSUL_HTTP_ADDR', () => {
  it('defaults to http://127.0.0.1:8500', () => {
    expect(parseConsulEnv({})).toMatchObject({ host: '127.0.0.1', port: 8500, secure: false });
  });

  it.each([
    ['consul.internal:8500', 'consul.internal', 8500, false],
    ['http://10.0.0.5:8500', '10.0.0.5', 8500, false],
    ['https://10.0.0.5:8501', '10.0.0.5', 8501, true],
    ['HTTPS://consul:8501', 'consul', 8501, true],
    ['https://consul:8501/', 'consul', 8501, true],
    ['[::1]:8500', '[::1]', 8500, false],
    ['https://[fd00::1]:8501', '[fd00::1]', 8501, true],
    ['consul', 'consul', 80, false],
    ['https://consul', 'consul', 443, true],
    ['  localhost:8500  ', 'localhost', 8500, false],
  ])('%s → %s:%d (secure %s)', (addr, host, port, secure) => {
    expect(parseConsulEnv({ CONSUL_HTTP_ADDR: addr })).toMatchObject({ host, port, secure });
  });

  it('treats an empty CONSUL_HTTP_ADDR as unset', () => {
    expect(parseConsulEnv({ CONSUL_HTTP_ADDR: '' })).toMatchObject({ host: '127.0.0.1', port: 8500 });
  });

  it.each([
    ['unix:///var/run/consul.sock', /unix sockets are not supported/],
    ['ftp://consul:21', /unknown protocol scheme "ftp"/],
    ['consul:http', /not a valid address/],
    ['consul:0', /port must be 1-65535/],
    ['consul:65536', /port must be 1-65535/],
    ['consul:', /port must be 1-65535/],
    ['http://', /not a valid address/],
    ['https://consul:8501/consul-proxy', /path after host:port/],
    ['con sul:8500', /not a valid host name/],
    ['a:b:c', /not a valid address/],
  ])('rejects %s naming CONSUL_HTTP_ADDR', (addr, problem) => {
    const error = errorOf(ConfigError, () => parseConsulEnv({ CONSUL_HTTP_ADDR: addr }));
    expect(error.source).toBe('CONSUL_HTTP_ADDR');
    expect(error.message).toMatch(/^CONSUL_HTTP_ADDR: /);
    expect(error.message).toMatch(problem);
  });

  it('rejects credentials in the address without echoing them', () => {
    const error = errorOf(ConfigError, () => parseConsulAddress(`https://admin:${PASSWORD}@consul:8501`));
    expect(error.message).toMatch(/use CONSUL_HTTP_AUTH/);
    expect(error.message).not.toContain(PASSWORD);
  });
});

describe('parseConsulEnv: TLS switches', () => {
  it('CONSUL_HTTP_SSL=true turns a bare host:port into https', () => {
    expect(parseConsulEnv({ CONSUL_HTTP_ADDR: 'consul:8501', CONSUL_HTTP_SSL: 'true' })).toMatchObject({
      secure: true,
      port: 8501,
    });
  });

  it('CONSUL_HTTP_SSL=true is not undone by an http:// prefix (as api.NewClient)', () => {
    expect(parseConsulEnv({ CONSUL_HTTP_ADDR: 'http://consul:8501', CONSUL_HTTP_SSL: '1' }).secure).toBe(true);
  });

  it('CONSUL_HTTP_SSL=false does not undo an https:// prefix', () => {
    expect(parseConsulEnv({ CONSUL_HTTP_ADDR: 'https://consul:8501', CONSUL_HTTP_SSL: 'false' }).secure).toBe(true);
  });

  it('CONSUL_HTTP_SSL=true without a port defaults to 443', () => {
    expect(parseConsulEnv({ CONSUL_HTTP_ADDR: 'consul', CONSUL_HTTP_SSL: 'yes' }).port).toBe(443);
  });

  it('verifies by default; CONSUL_HTTP_SSL_VERIFY=false skips verification', () => {
    expect(parseConsulEnv({}).tls.verify).toBe(true);
    expect(parseConsulEnv({ CONSUL_HTTP_SSL_VERIFY: 'false' }).tls.verify).toBe(false);
    expect(parseConsulEnv({ CONSUL_HTTP_SSL_VERIFY: '0' }).tls.verify).toBe(false);
    expect(parseConsulEnv({ CONSUL_HTTP_SSL_VERIFY: 'TRUE' }).tls.verify).toBe(true);
  });

  it.each(['CONSUL_HTTP_SSL', 'CONSUL_HTTP_SSL_VERIFY'])('rejects an unparsable %s naming it', (name) => {
    const error = errorOf(ConfigError, () => parseConsulEnv({ [name]: 'maybe' }));
    expect(error.source).toBe(name);
    expect(error.message).toMatch(/expected a boolean/);
  });

  it('collects the file paths without reading them', () => {
    const settings = parseConsulEnv({
      CONSUL_CACERT: '/etc/consul/ca.pem',
      CONSUL_CAPATH: '/etc/consul/cas',
      CONSUL_CLIENT_CERT: '/etc/consul/client.pem',
      CONSUL_CLIENT_KEY: '/etc/consul/client.key',
      CONSUL_HTTP_TOKEN_FILE: '/run/secrets/consul-token',
    });
    expect(settings.tls).toMatchObject({
      caFile: '/etc/consul/ca.pem',
      caPath: '/etc/consul/cas',
      certFile: '/etc/consul/client.pem',
      keyFile: '/etc/consul/client.key',
    });
    expect(settings.tokenFile).toBe('/run/secrets/consul-token');
  });

  it('requires CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY together', () => {
    expect(errorOf(ConfigError, () => parseConsulEnv({ CONSUL_CLIENT_CERT: '/c.pem' })).source).toBe(
      'CONSUL_CLIENT_KEY',
    );
    expect(errorOf(ConfigError, () => parseConsulEnv({ CONSUL_CLIENT_KEY: '/c.key' })).source).toBe(
      'CONSUL_CLIENT_CERT',
    );
  });

  it.each([
    ['server.dc1.consul', 'server.dc1.consul'],
    ['server.dc1.consul:8501', 'server.dc1.consul'],
    ['[::1]:8501', '::1'],
    ['::1', '::1'],
  ])('CONSUL_TLS_SERVER_NAME %s → %s', (raw, name) => {
    expect(parseConsulEnv({ CONSUL_TLS_SERVER_NAME: raw }).tls.serverName).toBe(name);
  });

  it('rejects a server name that is no host name', () => {
    expect(errorOf(ConfigError, () => parseConsulEnv({ CONSUL_TLS_SERVER_NAME: 'a b' })).source).toBe(
      'CONSUL_TLS_SERVER_NAME',
    );
    expect(errorOf(ConfigError, () => parseConsulEnv({ CONSUL_TLS_SERVER_NAME: ':8501' })).source).toBe(
      'CONSUL_TLS_SERVER_NAME',
    );
  });
});

describe('parseConsulEnv: token and basic auth', () => {
  it('reads CONSUL_HTTP_TOKEN (trimmed)', () => {
    expect(parseConsulEnv({ CONSUL_HTTP_TOKEN: ` ${TOKEN}\n` }).token).toBe(TOKEN);
    expect(parseConsulEnv({ CONSUL_HTTP_TOKEN: '' }).token).toBeUndefined();
  });

  it('rejects a token with characters a header cannot carry, without echoing it', () => {
    const error = errorOf(ConfigError, () => parseConsulEnv({ CONSUL_HTTP_TOKEN: `${TOKEN} x` }));
    expect(error.source).toBe('CONSUL_HTTP_TOKEN');
    expect(error.message).not.toContain(TOKEN);
  });

  it.each([
    ['operator', { username: 'operator', password: '' }],
    ['operator:pa:ss', { username: 'operator', password: 'pa:ss' }],
    [`operator:${PASSWORD}`, { username: 'operator', password: PASSWORD }],
  ])('CONSUL_HTTP_AUTH=%s', (raw, basicAuth) => {
    expect(parseConsulEnv({ CONSUL_HTTP_AUTH: raw }).basicAuth).toEqual(basicAuth);
  });

  it('rejects CONSUL_HTTP_AUTH without a user and never shows the password', () => {
    const error = errorOf(ConfigError, () => parseConsulEnv({ CONSUL_HTTP_AUTH: `:${PASSWORD}` }));
    expect(error.source).toBe('CONSUL_HTTP_AUTH');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('rejects control characters in CONSUL_HTTP_AUTH and never shows the password', () => {
    const error = errorOf(ConfigError, () => parseConsulEnv({ CONSUL_HTTP_AUTH: `op:${PASSWORD}\n` }));
    expect(error.source).toBe('CONSUL_HTTP_AUTH');
    expect(error.message).not.toContain(PASSWORD);
  });
});

describe('buildConsulConnection', () => {
  const base = (env: NodeJS.ProcessEnv = {}): ConsulEnvSettings => parseConsulEnv(env);

  it('builds a plain connection without TLS options', () => {
    expect(buildConsulConnection(base({ CONSUL_HTTP_TOKEN: TOKEN }), {})).toEqual({
      host: '127.0.0.1',
      port: 8500,
      secure: false,
      token: TOKEN,
    });
  });

  it('the token file wins over CONSUL_HTTP_TOKEN when it holds a token (api.NewClient)', () => {
    const settings = base({ CONSUL_HTTP_TOKEN: 'from-env', CONSUL_HTTP_TOKEN_FILE: '/t' });
    expect(buildConsulConnection(settings, { token: `  ${TOKEN}\n` }).token).toBe(TOKEN);
  });

  it('an empty token file falls back to CONSUL_HTTP_TOKEN', () => {
    const settings = base({ CONSUL_HTTP_TOKEN: TOKEN, CONSUL_HTTP_TOKEN_FILE: '/t' });
    expect(buildConsulConnection(settings, { token: ' \n' }).token).toBe(TOKEN);
    expect(buildConsulConnection(base({ CONSUL_HTTP_TOKEN_FILE: '/t' }), { token: '' }).token).toBeUndefined();
  });

  it('rejects a token file whose token a header cannot carry, without echoing it', () => {
    const error = errorOf(ConfigError, () =>
      buildConsulConnection(base({ CONSUL_HTTP_TOKEN_FILE: '/t' }), { token: `${TOKEN}\n${TOKEN}` }),
    );
    expect(error.source).toBe('CONSUL_HTTP_TOKEN_FILE');
    expect(error.message).not.toContain(TOKEN);
  });

  it('attaches TLS options only to a secure connection', () => {
    const secure = buildConsulConnection(
      base({ CONSUL_HTTP_SSL: 'true', CONSUL_TLS_SERVER_NAME: 'server.dc1.consul' }),
      {},
    );
    expect(secure.tls).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
      serverName: 'server.dc1.consul',
      verify: true,
    });
    expect(buildConsulConnection(base({ CONSUL_TLS_SERVER_NAME: 'server.dc1.consul' }), {}).tls).toBeUndefined();
  });

  it('rejects a CA file without a certificate', () => {
    const error = errorOf(ConfigError, () =>
      buildConsulConnection(base({ CONSUL_CACERT: '/ca.pem' }), { ca: 'not a certificate' }),
    );
    expect(error.source).toBe('CONSUL_CACERT');
    expect(error.message).toContain('/ca.pem');
  });

  it('rejects an empty CA directory and a non-PEM file in it', () => {
    expect(
      errorOf(ConfigError, () => buildConsulConnection(base({ CONSUL_CAPATH: '/cas' }), { caPath: [] })).source,
    ).toBe('CONSUL_CAPATH');
    const error = errorOf(ConfigError, () =>
      buildConsulConnection(base({ CONSUL_CAPATH: '/cas' }), {
        caPath: [{ path: '/cas/readme.txt', contents: 'hello' }],
      }),
    );
    expect(error.source).toBe('CONSUL_CAPATH');
    expect(error.message).toContain('/cas/readme.txt');
  });

  it('rejects an unparsable client certificate, and a key without showing its contents', () => {
    const settings = base({ CONSUL_CLIENT_CERT: '/c.pem', CONSUL_CLIENT_KEY: '/c.key' });
    const certError = errorOf(ConfigError, () => buildConsulConnection(settings, { cert: 'garbage', key: 'garbage' }));
    expect(certError.source).toBe('CONSUL_CLIENT_CERT');
    const secretKey = `-----BEGIN PRIVATE KEY-----\n${PASSWORD}\n-----END PRIVATE KEY-----\n`;
    const keyError = errorOf(ConfigError, () => buildConsulConnection(settings, { cert: 'garbage', key: secretKey }));
    expect(keyError.message).not.toContain(PASSWORD);
  });
});

describe('secrets never reach a ConfigError message', () => {
  const secret = fc.stringMatching(/^[A-Za-z0-9-]{8,40}$/);
  const badAddresses = ['unix:///x', 'ftp://h:1', 'h:0', 'h:x', 'a b:1', 'https://h:1/p'];
  const address = fc.constantFrom(...badAddresses, 'consul:8500', 'https://consul:8501');

  it('holds for any token and password alongside any bad variable', () => {
    fc.assert(
      fc.property(
        secret,
        secret,
        address,
        fc.constantFrom('CONSUL_HTTP_SSL', 'CONSUL_HTTP_SSL_VERIFY', 'none'),
        (token, password, addr, badBool) => {
          fc.pre(badAddresses.includes(addr) || badBool !== 'none');
          const env: NodeJS.ProcessEnv = {
            CONSUL_HTTP_TOKEN: token,
            CONSUL_HTTP_AUTH: `u:${password}`,
            CONSUL_HTTP_ADDR: addr,
          };
          if (badBool !== 'none') env[badBool] = 'perhaps';
          const error = errorOf(ConfigError, () => parseConsulEnv(env));
          expect(error.message).not.toContain(token);
          expect(error.message).not.toContain(password);
        },
      ),
    );
  });
});
