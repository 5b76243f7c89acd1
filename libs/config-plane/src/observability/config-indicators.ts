import { type ReadinessSession } from '@spaceport/app-runtime';
import { type AuthorityStatus } from '../authority/config-authority.service';
import { type MirrorStatus } from '../mirror/mirror-status';

/**
 * Pure: the `config` readiness of a mirror (gateway, event-worker). Up once a config is held, also
 * while stale (the last good config is served); down while waiting for the first one. The details
 * are the mirror status (state, version, origin, seq, per-project versions; ids only, no values).
 */
export function mirrorConfigIndicator(session: ReadinessSession, status: MirrorStatus) {
  return status.state === 'waiting'
    ? session.down({ message: 'waiting for the first config snapshot', ...status })
    : session.up({ ...status });
}

/**
 * Pure: the `config` readiness of the config-service: up while it holds a snapshot and its store
 * (file or Consul KV) is readable; down otherwise, with the store's problem.
 */
export function authorityConfigIndicator(session: ReadinessSession, status: AuthorityStatus) {
  if (status.version === undefined)
    return session.down({ message: 'the config store has not been read yet', ...status });
  if (!status.sourceAvailable)
    return session.down({ message: 'the config store is not readable; serving the last good config', ...status });
  return session.up({ ...status });
}
