import { sleep, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsulClient, createConsulClient } from './client';
import { ServiceRegistration, type ServiceRegistrationOptions } from './registration';

type Options = Omit<ServiceRegistrationOptions, 'client'>;

const base: Options = {
  nodeId: 'gw-1',
  role: 'gateway',
  clusterId: 'c1',
  port: 4122,
  address: '127.0.0.1',
  ttlMs: 2_000,
};

interface CheckInfo {
  Status: string;
  ServiceID: string;
}

async function checkOf(client: ConsulClient, checkId: string): Promise<CheckInfo | undefined> {
  const checks = (await client.agent.checks()) as Record<string, CheckInfo>;
  return checks[checkId];
}

async function serviceIds(client: ConsulClient): Promise<string[]> {
  return Object.keys(await client.agent.services());
}

function useClient(consul: ReturnType<typeof useConsulAgent>): { readonly client: ConsulClient } {
  const holder: { client?: ConsulClient } = {};
  beforeAll(() => {
    holder.client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
  });
  afterAll(() => holder.client?.destroy());
  return {
    get client(): ConsulClient {
      if (!holder.client) throw new Error('client only inside tests');
      return holder.client;
    },
  };
}

describe('ServiceRegistration against a real Consul agent', () => {
  const consul = useConsulAgent();
  const c = useClient(consul);

  it('registers space-cloud with role/cluster tags and keeps its TTL check passing; stop() deregisters', async () => {
    const registration = new ServiceRegistration({ ...base, client: c.client });
    await registration.start();
    try {
      const services = (await c.client.agent.services()) as Record<
        string,
        { Service: string; Tags: string[]; Port: number; Address: string }
      >;
      expect(services['gw-1']).toMatchObject({
        Service: 'space-cloud',
        Tags: ['role:gateway', 'cluster:c1'],
        Port: 4122,
        Address: '127.0.0.1',
      });
      expect(registration.checkId).toBe('service:gw-1');
      expect(await checkOf(c.client, 'service:gw-1')).toMatchObject({ Status: 'passing', ServiceID: 'gw-1' });
      await sleep(2 * (base.ttlMs ?? 0)); // two TTLs: still passing only because it is being passed
      expect((await checkOf(c.client, 'service:gw-1'))?.Status).toBe('passing');
      const healthy = await c.client.health.service({ service: 'space-cloud', passing: true });
      expect(healthy).toHaveLength(1);
    } finally {
      await registration.stop();
    }
    expect(await serviceIds(c.client)).not.toContain('gw-1');
    expect(await checkOf(c.client, 'service:gw-1')).toBeUndefined();
  });

  it('uses the configured service name, check id and deregister-after', async () => {
    const registration = new ServiceRegistration({
      ...base,
      client: c.client,
      nodeId: 'w-7',
      role: 'event-worker',
      serviceName: 'spaceport-x',
      checkId: 'spaceport-ttl:w-7',
      deregisterCriticalServiceAfter: '90s',
    });
    await registration.start();
    try {
      const check = (await c.client.agent.checks()) as Record<string, { ServiceName: string; Status: string }>;
      expect(check['spaceport-ttl:w-7']).toMatchObject({ ServiceName: 'spaceport-x', Status: 'passing' });
    } finally {
      await registration.stop();
    }
  });

  it('register: false touches nothing in the catalog', async () => {
    const registration = new ServiceRegistration({ ...base, client: c.client, nodeId: 'manual-1', register: false });
    await registration.start();
    expect(registration.checkId).toBeUndefined();
    expect(await serviceIds(c.client)).toEqual([]);
    expect(await checkOf(c.client, 'service:manual-1')).toBeUndefined();
    await registration.stop();
    expect(await serviceIds(c.client)).toEqual([]);
  });
});

describe('ServiceRegistration across an agent restart (dev agent forgets every service)', () => {
  const consul = useConsulAgent();
  const c = useClient(consul);

  it('re-registers within TTL/3 plus a retry once the agent is back', async () => {
    const registration = new ServiceRegistration({ ...base, client: c.client, nodeId: 'cs-1', role: 'config-service' });
    const reasons: string[] = [];
    registration.on('registered', (reason) => reasons.push(reason));
    await registration.start();
    try {
      await consul.agent.restart();
      const backAt = Date.now();
      // Bound: the next pass is due within TTL/3 (667 ms); failed passes during the restart retry
      // after at most TTL/3 more; then one register call. 3 s leaves room for a loaded machine.
      // 'forgotten' proves the agent answered "unknown check" (it really lost the registration).
      await waitFor(() => reasons.includes('forgotten'), { what: 're-registration', timeoutMs: 3_000 });
      expect(Date.now() - backAt).toBeLessThan(3_000);
      expect(reasons).toEqual(['start', 'forgotten']);
      expect((await checkOf(c.client, 'service:cs-1'))?.Status).toBe('passing');
      const services = (await c.client.agent.services()) as Record<string, { Tags: string[] }>;
      expect(services['cs-1']?.Tags).toEqual(['role:config-service', 'cluster:c1']);
    } finally {
      await registration.stop();
    }
    expect(await serviceIds(c.client)).not.toContain('cs-1');
  });
});
