import { ConfigError, parseDurationMs } from '@spaceport/runtime-core';

/** Timings of the cluster coordination; see docs/cluster.md for the trade-offs. */
export interface ClusterSettings {
  /** TTL of the leader session (Consul accepts 10 s – 24 h); the backstop when the check cannot be used */
  sessionTtlMs: number;
  /** TTL of the instance's service check (used when the coordinator registers the instance itself) */
  checkTtlMs: number;
  /** Consul lock-delay of the leader lock after an invalidation */
  lockDelayMs: number;
  /** a gained partition whose previous owner neither acked nor left the healthy set starts after this */
  handoffTimeoutMs: number;
  /** the leader waits this long after a membership change before it reassigns (flaps coalesce) */
  membershipDebounceMs: number;
  /** how often a worker proves to itself that it is healthy in Consul */
  ownershipProbeMs: number;
  /** without a successful probe showing itself healthy for this long, a worker stops its partitions */
  ownershipLeaseMs: number;
}

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = {
  sessionTtlMs: 10_000,
  checkTtlMs: 3_000,
  lockDelayMs: 1_000,
  handoffTimeoutMs: 15_000,
  membershipDebounceMs: 500,
  ownershipProbeMs: 1_000,
  ownershipLeaseMs: 10_000,
};

export function resolveClusterSettings(overrides: Partial<ClusterSettings> = {}): ClusterSettings {
  const settings = { ...DEFAULT_CLUSTER_SETTINGS, ...overrides };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`cluster setting ${name} must be a non-negative number of ms, got ${value}`);
  }
  if (settings.sessionTtlMs < 10_000)
    throw new Error('cluster setting sessionTtlMs must be at least 10000 (Consul minimum)');
  return settings;
}

/** Environment variables of the settings an operator tunes (durations: `500ms`, `10s`, `1m`). */
export const CLUSTER_SETTINGS_ENV: Record<string, keyof ClusterSettings> = {
  CLUSTER_SESSION_TTL: 'sessionTtlMs',
  CLUSTER_LOCK_DELAY: 'lockDelayMs',
  CLUSTER_HANDOFF_TIMEOUT: 'handoffTimeoutMs',
  CLUSTER_MEMBERSHIP_DEBOUNCE: 'membershipDebounceMs',
  CLUSTER_OWNERSHIP_LEASE: 'ownershipLeaseMs',
};

/** The cluster settings set in `env`; a malformed value is a ConfigError naming the variable. */
export function clusterSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<ClusterSettings> {
  const settings: Partial<ClusterSettings> = {};
  for (const [variable, setting] of Object.entries(CLUSTER_SETTINGS_ENV)) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '') settings[setting] = parseDurationMs(variable, raw);
  }
  if (settings.sessionTtlMs !== undefined && settings.sessionTtlMs < 10_000) {
    throw new ConfigError('CLUSTER_SESSION_TTL', 'Consul sessions need a TTL of at least 10s');
  }
  return settings;
}

/** Keys relative to the cluster's KV prefix `spaceport/<cluster>/` (docs/architecture.md#consul-key-layout). */
export const CLUSTER_KEYS = {
  leader: 'leader',
  assignment: 'assignment',
  acksPrefix: 'acks/',
  ack: (nodeId: string): string => `acks/${nodeId}`,
} as const;

export const EVENT_WORKER_TAG = 'role:event-worker';
export const clusterTag = (clusterId: string): string => `cluster:${clusterId}`;
