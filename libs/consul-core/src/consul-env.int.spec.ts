import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@spaceport/runtime-core';
import { errorOf, generateTestCertificates } from '@spaceport/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConsulConnection } from './consul-env';

/** loadConsulConnection reading real files (certificates made by openssl). */
describe('loadConsulConnection with real files', () => {
  const certs = generateTestCertificates();
  const pem = (path: string): string => readFileSync(path, 'utf8');
  const https = { CONSUL_HTTP_ADDR: 'https://127.0.0.1:8501' };
  const clientPair = { CONSUL_CLIENT_CERT: certs.clientCertFile, CONSUL_CLIENT_KEY: certs.clientKeyFile };

  afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));

  function write(name: string, contents: string): string {
    const path = join(certs.dir, name);
    writeFileSync(path, contents);
    return path;
  }

  const failure = (env: NodeJS.ProcessEnv): ConfigError => errorOf(ConfigError, () => loadConsulConnection(env));

  it('loads CA, client certificate and key into the TLS options', () => {
    const connection = loadConsulConnection({
      ...https,
      CONSUL_CACERT: certs.caFile,
      ...clientPair,
      CONSUL_TLS_SERVER_NAME: 'server.dc1.consul',
    });
    expect(connection).toMatchObject({ host: '127.0.0.1', port: 8501, secure: true });
    expect(connection.tls).toEqual({
      ca: [pem(certs.caFile)],
      cert: pem(certs.clientCertFile),
      key: pem(certs.clientKeyFile),
      serverName: 'server.dc1.consul',
      verify: true,
    });
  });

  it('loads every file below CONSUL_CAPATH; CONSUL_CACERT takes precedence over it', () => {
    const caDir = join(certs.dir, 'cas');
    mkdirSync(join(caDir, 'sub'), { recursive: true });
    writeFileSync(join(caDir, 'a.pem'), pem(certs.caFile));
    writeFileSync(join(caDir, 'sub', 'b.pem'), pem(certs.otherCaFile));
    expect(loadConsulConnection({ ...https, CONSUL_CAPATH: caDir }).tls?.ca).toEqual([
      pem(certs.caFile),
      pem(certs.otherCaFile),
    ]);
    expect(loadConsulConnection({ ...https, CONSUL_CAPATH: caDir, CONSUL_CACERT: certs.otherCaFile }).tls?.ca).toEqual([
      pem(certs.otherCaFile),
    ]);
  });

  it('reads and checks the files even for plain HTTP (as the Go client does) but attaches no TLS', () => {
    expect(loadConsulConnection({ CONSUL_CACERT: certs.caFile, ...clientPair }).tls).toBeUndefined();
    expect(failure({ CONSUL_CACERT: join(certs.dir, 'nope.pem') }).source).toBe('CONSUL_CACERT');
  });

  it.each([
    ['CONSUL_CACERT', 'missing.pem', /cannot read CA file .*missing\.pem.*ENOENT/],
    ['CONSUL_CAPATH', 'missing-dir', /cannot read CA directory .*missing-dir.*ENOENT/],
  ])('a missing %s names the variable and the path', (name, file, problem) => {
    const error = failure({ ...https, [name]: join(certs.dir, file) });
    expect(error.source).toBe(name);
    expect(error.message).toMatch(problem);
  });

  it('rejects a CA file that holds no certificate', () => {
    expect(failure({ ...https, CONSUL_CACERT: write('not-a-ca.pem', 'hello') }).message).toMatch(
      /^CONSUL_CACERT: .*no valid PEM certificate/,
    );
  });

  it('rejects an empty CA directory and one holding a non-certificate file', () => {
    const empty = join(certs.dir, 'empty-cas');
    mkdirSync(empty);
    expect(failure({ ...https, CONSUL_CAPATH: empty }).message).toMatch(/contains no CA files/);
    const mixed = join(certs.dir, 'mixed-cas');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'ca.pem'), pem(certs.caFile));
    writeFileSync(join(mixed, 'README'), 'not a cert');
    expect(failure({ ...https, CONSUL_CAPATH: mixed }).message).toMatch(
      /CONSUL_CAPATH: .*README.*no valid PEM certificate/,
    );
  });

  it('rejects a client key that does not belong to the certificate, without showing the key', () => {
    const error = failure({
      ...https,
      CONSUL_CLIENT_CERT: certs.clientCertFile,
      CONSUL_CLIENT_KEY: certs.serverKeyFile,
    });
    expect(error.source).toBe('CONSUL_CLIENT_KEY');
    expect(error.message).toMatch(/does not match the certificate/);
    expect(error.message).not.toContain(pem(certs.serverKeyFile).split('\n')[1]);
  });

  it('rejects an unreadable or unparsable key and certificate', () => {
    const garbageKey = write(
      'garbage.key',
      '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n',
    );
    const keyError = failure({ ...https, CONSUL_CLIENT_CERT: certs.clientCertFile, CONSUL_CLIENT_KEY: garbageKey });
    expect(keyError.message).toMatch(/no usable unencrypted PEM private key/);
    expect(keyError.message).not.toContain('c2VjcmV0LWtleS1ieXRlcw');
    expect(
      failure({ ...https, CONSUL_CLIENT_CERT: certs.clientKeyFile, CONSUL_CLIENT_KEY: certs.clientKeyFile }).source,
    ).toBe('CONSUL_CLIENT_CERT');
    expect(
      failure({ ...https, CONSUL_CLIENT_CERT: certs.clientCertFile, CONSUL_CLIENT_KEY: join(certs.dir, 'none.key') })
        .message,
    ).toMatch(/CONSUL_CLIENT_KEY: cannot read client key .*ENOENT/);
  });
});
