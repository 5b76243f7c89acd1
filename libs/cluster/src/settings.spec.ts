import { describe, expect, it } from 'vitest';
import { clusterSettingsFromEnv, DEFAULT_CLUSTER_SETTINGS, resolveClusterSettings } from './settings';

describe('cluster settings from the environment', () => {
  it('leaves the defaults alone when nothing is set', () => {
    expect(clusterSettingsFromEnv({})).toEqual({});
    expect(resolveClusterSettings(clusterSettingsFromEnv({}))).toEqual(DEFAULT_CLUSTER_SETTINGS);
  });

  it('reads every CLUSTER_* duration', () => {
    const env = {
      CLUSTER_SESSION_TTL: '20s',
      CLUSTER_LOCK_DELAY: '2s',
      CLUSTER_HANDOFF_TIMEOUT: '30s',
      CLUSTER_MEMBERSHIP_DEBOUNCE: '250ms',
      CLUSTER_OWNERSHIP_LEASE: '15s',
    };
    expect(clusterSettingsFromEnv(env)).toEqual({
      sessionTtlMs: 20_000,
      lockDelayMs: 2_000,
      handoffTimeoutMs: 30_000,
      membershipDebounceMs: 250,
      ownershipLeaseMs: 15_000,
    });
  });

  it('names the variable when a value is malformed or below the Consul session minimum', () => {
    expect(() => clusterSettingsFromEnv({ CLUSTER_LOCK_DELAY: 'soon' })).toThrow(/^CLUSTER_LOCK_DELAY: /);
    expect(() => clusterSettingsFromEnv({ CLUSTER_SESSION_TTL: '5s' })).toThrow(/^CLUSTER_SESSION_TTL: .*10s/);
  });
});
