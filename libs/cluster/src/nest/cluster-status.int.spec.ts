import 'reflect-metadata';
import { Global, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ADMIN_TOKENS,
  ReadinessRegistry,
  SPACEPORT_CONSUL_CLIENT,
  SPACEPORT_METRICS,
  SPACEPORT_NODE_OPTIONS,
} from '@spaceport/app-runtime';
import { type ConsulClient, createConsulClient, ServiceRegistration } from '@spaceport/consul-core';
import { type NodeOptions, parseNodeOptions } from '@spaceport/runtime-core';
import { useConsulAgent, waitFor } from '@spaceport/testing';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClusterStatus } from '../cluster-status';
import { ClusterStatusModule } from './cluster-status.module';

const ADMIN = 'admin-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const withToken = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

// GET /v1/cluster served by the real Nest module over real HTTP, reading a real Consul agent.
describe('GET /v1/cluster (Nest module, real Consul)', () => {
  const consul = useConsulAgent();
  let app: INestApplication | undefined;
  let client: ConsulClient | undefined;
  const registrations: ServiceRegistration[] = [];

  async function serve(options: NodeOptions, consulClient: ConsulClient | null): Promise<string> {
    // What RuntimeModule provides globally in the apps.
    @Global()
    @Module({
      providers: [
        { provide: SPACEPORT_NODE_OPTIONS, useValue: options },
        { provide: SPACEPORT_CONSUL_CLIENT, useValue: consulClient },
        { provide: SPACEPORT_METRICS, useValue: new Registry() },
        { provide: ReadinessRegistry, useValue: { register: () => undefined } },
        { provide: ADMIN_TOKENS, useValue: { full: ADMIN, read: READ } },
      ],
      exports: [SPACEPORT_NODE_OPTIONS, SPACEPORT_CONSUL_CLIENT, SPACEPORT_METRICS, ReadinessRegistry, ADMIN_TOKENS],
    })
    class TestRuntime {}
    @Module({ imports: [TestRuntime, ClusterStatusModule] })
    class TestRoot {}
    await app?.close();
    app = await NestFactory.create(TestRoot, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    return `${await app.getUrl()}/v1/cluster`;
  }

  afterAll(async () => {
    await app?.close();
    await Promise.all(registrations.map((r) => r.stop()));
    client?.destroy();
  });

  it('lists members of every role with health, and never their meta', async () => {
    client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
    for (const [nodeId, role] of [
      ['gw-1', 'gateway'],
      ['w-1', 'event-worker'],
    ] as const) {
      const registration = new ServiceRegistration({
        client,
        nodeId,
        role,
        clusterId: 'st',
        port: 4000,
        ttlMs: 5_000,
        meta: { note: 'CONSUL_HTTP_TOKEN=s3cr3t' },
      });
      await registration.start();
      registrations.push(registration);
    }
    const options = parseNodeOptions('gateway', ['--enable-consul', '--cluster', 'st'], {});
    const url = await serve(options, client);
    const body = await waitFor(
      async () => {
        const response = await fetch(url, withToken(ADMIN));
        const status = (await response.json()) as ClusterStatus;
        return response.status === 200 && status.members.length === 2
          ? { status, text: JSON.stringify(status) }
          : undefined;
      },
      { what: 'two members in /v1/cluster' },
    );
    expect(body.status).toMatchObject({
      mode: 'distributed',
      clusterId: 'st',
      leader: null,
      generation: null,
      partitions: [],
    });
    expect(body.status.members.map((m) => [m.id, m.role, m.health])).toEqual([
      ['gw-1', 'gateway', 'passing'],
      ['w-1', 'event-worker', 'passing'],
    ]);
    expect(body.text).not.toContain('s3cr3t');
  });

  it('standalone mode answers without Consul', async () => {
    const url = await serve(parseNodeOptions('gateway', [], {}), null);
    const response = await fetch(url, withToken(ADMIN));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'standalone', members: [] });
  });

  it('answers only to an admin token, full or read-only', async () => {
    const url = await serve(parseNodeOptions('gateway', [], {}), null);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, withToken('not-a-token-0123456789'))).status).toBe(401);
    expect((await fetch(url, withToken(READ))).status).toBe(200);
  });
});
