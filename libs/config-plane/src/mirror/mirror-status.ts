import { type ConfigSnapshot } from '@spaceport/config-model';
import { type StoreResetStatus } from '../authority/store-reset';
import { type TrackerState } from './stream-tracker';

/** What an app says about the config it serves with (`GET /readyz`). Ids and versions only, no values. */
export interface MirrorStatus {
  /** waiting: no config yet; in-sync: following the authority; stale: authority silent or its store down, last good config served */
  state: 'waiting' | 'in-sync' | 'stale';
  version: number | undefined;
  origin: string | undefined;
  seq: number | undefined;
  lastHeardAt: string | undefined;
  appliedAt: string | undefined;
  /** false when the authority reports its store (Consul, file) unreadable */
  sourceAvailable: boolean;
  /** set while the authority holds the last good config against a reset store */
  storeReset?: StoreResetStatus;
  /** project id → { version, triggers: trigger id → version } */
  projects: Record<string, { version: number; triggers: Record<string, number> }>;
}

export interface MirrorFacts {
  snapshot: ConfigSnapshot | undefined;
  tracker: TrackerState;
  lastHeardAt: number | undefined;
  appliedAt: number | undefined;
  sourceAvailable: boolean;
  storeReset: StoreResetStatus | undefined;
  silent: boolean;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Pure: the status object of a mirror. */
export function mirrorStatus(facts: MirrorFacts): MirrorStatus {
  const { snapshot } = facts;
  const state = !snapshot ? 'waiting' : facts.silent || !facts.sourceAvailable ? 'stale' : 'in-sync';
  const projects = Object.fromEntries(
    Object.entries(snapshot?.projects ?? {}).map(([id, project]) => [
      id,
      {
        version: project.version,
        triggers: Object.fromEntries(
          Object.entries(project.triggers).map(([triggerId, trigger]) => [triggerId, trigger.version]),
        ),
      },
    ]),
  );
  return {
    state,
    version: snapshot?.version,
    origin: facts.tracker.position?.origin,
    seq: facts.tracker.position?.seq,
    lastHeardAt: iso(facts.lastHeardAt),
    appliedAt: iso(facts.appliedAt),
    sourceAvailable: facts.sourceAvailable,
    ...(facts.storeReset && !facts.silent ? { storeReset: facts.storeReset } : {}),
    projects,
  };
}
