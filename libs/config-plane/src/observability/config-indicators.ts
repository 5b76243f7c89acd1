import { type ReadinessSession } from '@spaceport/app-runtime';
import { type AuthorityStatus } from '../authority/config-authority.service';
import { type MirrorStatus } from '../mirror/mirror-status';

/**
 * Pure: the `config` readiness of a mirror (gateway, event-worker). Up once a config is held, also
 * while stale or while a store reset is held (the last good config is served, and the message says
 * so); down while waiting for the first one. The details
 * are the mirror status (state, version, origin, seq, per-project versions; ids only, no values).
 */
export function mirrorConfigIndicator(session: ReadinessSession, status: MirrorStatus) {
  if (status.state === 'waiting') return session.down({ message: 'waiting for the first config snapshot', ...status });
  // a held store reset does not stop this app: it serves the last good config (the config-service is down)
  if (status.storeReset)
    return session.up({
      message: `config store reset: ${status.storeReset.reason}; serving the last good config`,
      ...status,
    });
  return session.up({ ...status });
}

/**
 * Pure: the `config` readiness of the config-service: up while it holds a snapshot and its store
 * (file or Consul KV) is readable and not reset; down otherwise, with the store's problem.
 */
export function authorityConfigIndicator(session: ReadinessSession, status: AuthorityStatus) {
  if (status.version === undefined)
    return session.down({ message: 'the config store has not been read yet', ...status });
  if (status.storeReset)
    return session.down({
      message: `config store reset: ${status.storeReset.reason}; serving the last good config until it is restored or accepted`,
      ...status,
    });
  if (!status.sourceAvailable)
    return session.down({ message: 'the config store is not readable; serving the last good config', ...status });
  return session.up({ ...status });
}
