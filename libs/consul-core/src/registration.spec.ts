import { describe, expect, it } from 'vitest';
import { createConsulClient } from './client';
import { isForgottenCheck, registrationTags, serviceDefinition } from './registration';

// The client is only a value here: building it opens no connection.
const client = createConsulClient({ host: '127.0.0.1', port: 1, secure: false });

describe('serviceDefinition', () => {
  it('defaults to space-cloud, id = node id, role/cluster tags and a passing TTL check', () => {
    expect(serviceDefinition({ client, nodeId: 'n1', role: 'event-worker', clusterId: 'c', port: 4126 })).toEqual({
      name: 'space-cloud',
      id: 'n1',
      tags: ['role:event-worker', 'cluster:c'],
      port: 4126,
      check: {
        checkid: 'service:n1',
        name: 'space-cloud n1 TTL',
        ttl: '15000ms',
        deregistercriticalserviceafter: '1m',
        status: 'passing',
        notes: expect.any(String),
      },
    });
  });

  it('honours name, address, check id, TTL, deregister-after, extra tags and meta', () => {
    const def = serviceDefinition({
      client,
      nodeId: 'g',
      role: 'gateway',
      clusterId: 'c',
      port: 1,
      serviceName: 'sp',
      address: '10.0.0.1',
      checkId: 'ttl:g',
      ttlMs: 3_000,
      deregisterCriticalServiceAfter: '5m',
      tags: ['v2', 'role:gateway'],
      meta: { version: '2' },
    });
    expect(def).toMatchObject({
      name: 'sp',
      address: '10.0.0.1',
      tags: ['role:gateway', 'cluster:c', 'v2'],
      meta: { version: '2' },
    });
    expect(def.check).toMatchObject({ checkid: 'ttl:g', ttl: '3000ms', deregistercriticalserviceafter: '5m' });
  });
});

describe('registrationTags', () => {
  it('puts role and cluster first without duplicates', () => {
    expect(registrationTags('gateway', 'x', ['cluster:x', 'a'])).toEqual(['role:gateway', 'cluster:x', 'a']);
  });
});

describe('isForgottenCheck', () => {
  it('recognises the agent answers for an unknown check', () => {
    expect(isForgottenCheck(404, 'not found')).toBe(true);
    expect(isForgottenCheck(500, 'CheckID "service:x" does not have associated TTL')).toBe(true);
    expect(isForgottenCheck(500, 'Unknown check ID "service:x"')).toBe(true);
  });
  it('does not confuse transport or permission errors with a forgotten check', () => {
    expect(isForgottenCheck(undefined, 'connect ECONNREFUSED 127.0.0.1:8500')).toBe(false);
    expect(isForgottenCheck(403, 'Permission denied')).toBe(false);
    expect(isForgottenCheck(500, 'rpc error')).toBe(false);
  });
});
