import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@spaceport/runtime-core';
import { useConsulAgent } from '@spaceport/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ConsulClient, createConsulClient } from './client';
import { loadConsulConnection } from './consul-env';
import { ConsulAccessDenied, type ConsulRequestError, callConsul, connectionSecrets } from './errors';

describe('ACL tokens from CONSUL_* against a real agent (default deny)', () => {
  const consul = useConsulAgent({ acl: true });
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-acl-'));
  const clients: ConsulClient[] = [];

  afterEach(() => clients.splice(0).forEach((client) => client.destroy()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const managementToken = (): string => consul.agent.managementToken ?? '';

  function writeTokenFile(contents: string): string {
    const path = join(dir, `token-${randomUUID()}`);
    writeFileSync(path, contents, { mode: 0o600 });
    return path;
  }

  /** Loads the connection from env (address added), then writes and reads back one key. */
  async function roundTrip(
    env: NodeJS.ProcessEnv,
    key = `acl-test/${randomUUID()}`,
  ): Promise<string | null | undefined> {
    const connection = loadConsulConnection({ CONSUL_HTTP_ADDR: consul.agent.httpAddr, ...env });
    const client = createConsulClient(connection);
    clients.push(client);
    const secrets = connectionSecrets(connection);
    await callConsul(`kv.set ${key}`, () => client.kv.set(key, 'value'), secrets);
    const item = await callConsul(`kv.get ${key}`, () => client.kv.get(key), secrets);
    return item?.Value;
  }

  async function deniedError(env: NodeJS.ProcessEnv): Promise<ConsulRequestError> {
    const failure: unknown = await roundTrip(env).then(
      () => new Error('expected the request to be denied'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConsulAccessDenied);
    return failure as ConsulRequestError;
  }

  it('CONSUL_HTTP_TOKEN authorises KV writes and reads', async () => {
    expect(await roundTrip({ CONSUL_HTTP_TOKEN: managementToken() })).toBe('value');
  });

  it('CONSUL_HTTP_TOKEN_FILE authorises them too (contents trimmed)', async () => {
    const tokenFile = writeTokenFile(`  ${managementToken()}\n`);
    expect(await roundTrip({ CONSUL_HTTP_TOKEN_FILE: tokenFile })).toBe('value');
  });

  it('the token file wins over CONSUL_HTTP_TOKEN, as in the Go client', async () => {
    const tokenFile = writeTokenFile(managementToken());
    expect(await roundTrip({ CONSUL_HTTP_TOKEN_FILE: tokenFile, CONSUL_HTTP_TOKEN: randomUUID() })).toBe('value');
    const wrongFile = writeTokenFile(randomUUID());
    await deniedError({ CONSUL_HTTP_TOKEN_FILE: wrongFile, CONSUL_HTTP_TOKEN: managementToken() });
  });

  it('an empty token file falls back to CONSUL_HTTP_TOKEN', async () => {
    expect(
      await roundTrip({ CONSUL_HTTP_TOKEN_FILE: writeTokenFile('\n'), CONSUL_HTTP_TOKEN: managementToken() }),
    ).toBe('value');
  });

  it("without a token the anonymous token is denied, with Consul's reason", async () => {
    const error = await deniedError({});
    expect(error.statusCode).toBe(403);
    expect(error.message).toMatch(/^consul kv\.set acl-test\/.*: access denied \(403\): Permission denied/);
    expect(error.message).toContain('anonymous token');
  });

  it('an unknown token fails with "ACL not found" and its value is not in the message', async () => {
    const wrongToken = randomUUID();
    const error = await deniedError({ CONSUL_HTTP_TOKEN: wrongToken });
    expect(error.message).toMatch(/access denied \(403\): ACL not found/);
    expect(error.message).toMatch(/CONSUL_HTTP_TOKEN/);
    expect(error.message).not.toContain(wrongToken);
    expect(JSON.stringify(error)).not.toContain(wrongToken);
  });

  it('a token without write permission is denied and never named by its secret', async () => {
    const limitedToken = await createReadOnlyToken(consul.agent.httpAddr, managementToken());
    const error = await deniedError({ CONSUL_HTTP_TOKEN: limitedToken });
    expect(error.message).toMatch(/Permission denied/);
    expect(error.message).toContain("lacks permission 'key:write'");
    expect(error.message).not.toContain(limitedToken);
  });

  it('an unreadable CONSUL_HTTP_TOKEN_FILE stops start-up naming the variable', () => {
    const missing = join(dir, 'missing-token');
    expect(() => loadConsulConnection({ CONSUL_HTTP_TOKEN_FILE: missing })).toThrow(ConfigError);
    expect(() => loadConsulConnection({ CONSUL_HTTP_TOKEN_FILE: missing })).toThrow(
      /^CONSUL_HTTP_TOKEN_FILE: cannot read token file .*ENOENT/,
    );
    expect(() => loadConsulConnection({ CONSUL_HTTP_TOKEN_FILE: dir })).toThrow(/CONSUL_HTTP_TOKEN_FILE: .*EISDIR/);
  });

  // Root reads any file whatever its mode, so EACCES cannot be produced when the suite runs as root
  // (as CI does); the ENOENT and EISDIR cases above cover the same error path.
  it.skipIf(process.getuid?.() === 0)(
    'a token file without read permission stops start-up naming the variable (EACCES; not as root)',
    () => {
      const unreadable = writeTokenFile(managementToken());
      chmodSync(unreadable, 0o000);
      expect(() => loadConsulConnection({ CONSUL_HTTP_TOKEN_FILE: unreadable })).toThrow(
        /CONSUL_HTTP_TOKEN_FILE: .*EACCES/,
      );
    },
  );
});

/** Creates (through the real HTTP API) a token whose policy may only read keys. */
async function createReadOnlyToken(httpAddr: string, managementToken: string): Promise<string> {
  const headers = { 'X-Consul-Token': managementToken, 'Content-Type': 'application/json' };
  const policyName = `read-only-${randomUUID()}`;
  const policy = await fetch(`${httpAddr}/v1/acl/policy`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ Name: policyName, Rules: 'key_prefix "" { policy = "read" }' }),
  });
  if (!policy.ok) throw new Error(`creating the policy failed: ${policy.status} ${await policy.text()}`);
  const token = await fetch(`${httpAddr}/v1/acl/token`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ Policies: [{ Name: policyName }] }),
  });
  if (!token.ok) throw new Error(`creating the token failed: ${token.status} ${await token.text()}`);
  return ((await token.json()) as { SecretID: string }).SecretID;
}
