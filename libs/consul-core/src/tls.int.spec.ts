import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateTestCertificates, useConsulAgent } from '@spaceport/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ConsulClient, createConsulClient } from './client';
import { loadConsulConnection } from './consul-env';
import { type ConsulRequestError, ConsulTlsError, callConsul } from './errors';

const certs = generateTestCertificates();
const clientCert = { CONSUL_CLIENT_CERT: certs.clientCertFile, CONSUL_CLIENT_KEY: certs.clientKeyFile };
const trustedCa = { CONSUL_CACERT: certs.caFile };
const clients: ConsulClient[] = [];

afterEach(() => clients.splice(0).forEach((client) => client.destroy()));
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));

function httpsPort(httpsAddr: string | undefined): number {
  if (!httpsAddr) throw new Error('the agent serves no HTTPS');
  return Number(new URL(httpsAddr).port);
}

/** Loads the connection from env alone, then writes and reads back one key over it. */
async function roundTrip(env: NodeJS.ProcessEnv): Promise<string | null | undefined> {
  const client = createConsulClient(loadConsulConnection(env));
  clients.push(client);
  const key = `tls-test/${randomUUID()}`;
  await callConsul(`kv.set ${key}`, () => client.kv.set(key, 'over-tls'));
  return (await callConsul(`kv.get ${key}`, () => client.kv.get(key)))?.Value;
}

async function failure(env: NodeJS.ProcessEnv): Promise<ConsulRequestError> {
  const error: unknown = await roundTrip(env).then(
    () => new Error('expected the request to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConsulTlsError);
  return error as ConsulRequestError;
}

describe('CONSUL_* TLS settings against a real agent with verify_incoming', () => {
  const consul = useConsulAgent({
    tls: { caFile: certs.caFile, certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, verifyIncoming: true },
  });
  const addr = (): string => `https://127.0.0.1:${httpsPort(consul.agent.httpsAddr)}`;

  it('https:// address + CONSUL_CACERT + client certificate works', async () => {
    expect(await roundTrip({ CONSUL_HTTP_ADDR: addr(), ...trustedCa, ...clientCert })).toBe('over-tls');
  });

  it('CONSUL_CAPATH with a directory holding the CA works', async () => {
    const caDir = join(certs.dir, 'ca-path', 'nested');
    mkdirSync(caDir, { recursive: true });
    copyFileSync(certs.caFile, join(caDir, 'consul-ca.pem'));
    copyFileSync(certs.otherCaFile, join(certs.dir, 'ca-path', 'unrelated-ca.pem'));
    expect(
      await roundTrip({ CONSUL_HTTP_ADDR: addr(), CONSUL_CAPATH: join(certs.dir, 'ca-path'), ...clientCert }),
    ).toBe('over-tls');
  });

  it('without a client certificate the agent refuses the connection', async () => {
    const error = await failure({ CONSUL_HTTP_ADDR: addr(), ...trustedCa });
    expect(error.message).toMatch(/client certificate.*CONSUL_CLIENT_CERT/);
  });

  it('trusting only an unrelated CA fails verification', async () => {
    const error = await failure({ CONSUL_HTTP_ADDR: addr(), CONSUL_CACERT: certs.otherCaFile, ...clientCert });
    expect(error.message).toMatch(/server certificate is not trusted.*CONSUL_CACERT/);
  });

  it('CONSUL_HTTP_SSL_VERIFY=false accepts the server despite the wrong CA', async () => {
    const env = { CONSUL_HTTP_ADDR: addr(), CONSUL_CACERT: certs.otherCaFile, CONSUL_HTTP_SSL_VERIFY: 'false' };
    expect(await roundTrip({ ...env, ...clientCert })).toBe('over-tls');
    // …but the agent still wants the client certificate.
    expect((await failure(env)).message).toMatch(/CONSUL_CLIENT_CERT/);
  });

  it('CONSUL_TLS_SERVER_NAME=server.dc1.consul works with the address given as IP or localhost', async () => {
    const port = httpsPort(consul.agent.httpsAddr);
    const env = { CONSUL_TLS_SERVER_NAME: 'server.dc1.consul', ...trustedCa, ...clientCert };
    expect(await roundTrip({ ...env, CONSUL_HTTP_ADDR: `https://127.0.0.1:${port}` })).toBe('over-tls');
    expect(await roundTrip({ ...env, CONSUL_HTTP_ADDR: `https://localhost:${port}` })).toBe('over-tls');
  });

  it('a server name the certificate does not carry fails', async () => {
    const env = { CONSUL_HTTP_ADDR: addr(), CONSUL_TLS_SERVER_NAME: 'wrong.dc1.consul', ...trustedCa, ...clientCert };
    expect((await failure(env)).message).toMatch(/does not name this host.*CONSUL_TLS_SERVER_NAME/);
  });

  it('CONSUL_HTTP_SSL=true makes a bare host:port use TLS', async () => {
    const env = { CONSUL_HTTP_ADDR: `127.0.0.1:${httpsPort(consul.agent.httpsAddr)}`, ...trustedCa, ...clientCert };
    expect(await roundTrip({ ...env, CONSUL_HTTP_SSL: 'true' })).toBe('over-tls');
    const plain: unknown = await roundTrip(env).catch((error: unknown) => error);
    expect(plain).toMatchObject({ statusCode: 400, message: expect.stringMatching(/serves HTTPS on this port/) });
  });

  it('speaking TLS to the plain HTTP port fails with a clear message', async () => {
    const env = { CONSUL_HTTP_ADDR: `https://127.0.0.1:${consul.agent.httpPort}`, ...trustedCa, ...clientCert };
    expect((await failure(env)).message).toMatch(/does not speak TLS on this port/);
  });
});

describe('CONSUL_* TLS settings against a real agent without verify_incoming', () => {
  const consul = useConsulAgent({
    tls: { caFile: certs.caFile, certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, verifyIncoming: false },
  });
  const addr = (): string => `https://127.0.0.1:${httpsPort(consul.agent.httpsAddr)}`;

  it('the CA alone is enough', async () => {
    expect(await roundTrip({ CONSUL_HTTP_ADDR: addr(), ...trustedCa })).toBe('over-tls');
  });

  it('verification still applies: the unrelated CA fails, SSL_VERIFY=false then succeeds', async () => {
    await failure({ CONSUL_HTTP_ADDR: addr(), CONSUL_CACERT: certs.otherCaFile });
    expect(
      await roundTrip({ CONSUL_HTTP_ADDR: addr(), CONSUL_CACERT: certs.otherCaFile, CONSUL_HTTP_SSL_VERIFY: 'false' }),
    ).toBe('over-tls');
  });

  it('without any CA setting the system store does not trust the test CA', async () => {
    expect((await failure({ CONSUL_HTTP_ADDR: addr() })).message).toMatch(/not trusted/);
  });
});
