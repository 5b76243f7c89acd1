import { type ConfigSnapshot, configKeyOf, getProject, getTrigger } from '@spaceport/config-model';
import { type ConfigWrite } from '@spaceport/config-store';

/**
 * What the config plane says while it holds the last good config against a store that was reset
 * (`GET /v1/config/store`, heartbeats, readiness). Ids, versions and counts only: never a value.
 */
export interface StoreResetStatus {
  /** why the store's content was not applied */
  reason: string;
  detectedAt: string;
  /** the config still in force */
  lastGood: { version: number; projects: number };
  /** what the store holds now */
  store: { version: number; projects: number };
  /** project and trigger keys of the last good config the store no longer holds */
  missingKeys: string[];
}

/** Keys of the projects and triggers of a snapshot, with their versions (`config/projects/<p>[/triggers/<t>]`). */
export function entryVersions(snapshot: ConfigSnapshot): Map<string, number> {
  const versions = new Map<string, number>();
  for (const [projectId, project] of Object.entries(snapshot.projects)) {
    versions.set(configKeyOf({ kind: 'project', projectId }), project.version);
    for (const [triggerId, trigger] of Object.entries(project.triggers))
      versions.set(configKeyOf({ kind: 'trigger', projectId, triggerId }), trigger.version);
  }
  return versions;
}

/** Keys of `lastGood`'s projects and triggers that `next` lacks and that the config API did not delete. */
export function vanishedKeys(
  lastGood: ConfigSnapshot,
  next: ConfigSnapshot,
  deletedByApi: ReadonlySet<string>,
): string[] {
  const present = entryVersions(next);
  return [...entryVersions(lastGood).keys()].filter(
    (key) => !present.has(key) && !deletedThroughApi(key, deletedByApi),
  );
}

/** A trigger key counts as deleted when its project was (a project delete removes its triggers). */
function deletedThroughApi(key: string, deletedByApi: ReadonlySet<string>): boolean {
  if (deletedByApi.has(key)) return true;
  const triggers = key.indexOf('/triggers/');
  return triggers > 0 && deletedByApi.has(key.slice(0, triggers));
}

/**
 * Pure: why `next`, read from the store after `lastGood` was in force, is a reset of the store rather
 * than an edit (undefined: apply it). A store only moves forward: Consul's indexes grow, and an entry's
 * ModifyIndex only grows while it exists. So:
 * - the store holds no project while the last good config had some that the API did not delete (a
 *   `-dev` agent restarted, the KV deleted by hand, Consul rebuilt);
 * - an entry's version went backwards (an older snapshot restored);
 * - the store's index went backwards and entries vanished that the API did not delete (a restore or
 *   a rebuilt Consul holding part of the config).
 * Deleting entries by hand or through the API, with the index moving forward, is an edit; deleting
 * every project by hand is taken as a reset and needs an explicit accept.
 */
export function detectStoreReset(
  lastGood: ConfigSnapshot,
  next: ConfigSnapshot,
  deletedByApi: ReadonlySet<string>,
): string | undefined {
  const lost = vanishedKeys(lastGood, next, deletedByApi);
  const lastProjects = Object.keys(lastGood.projects).length;
  if (Object.keys(next.projects).length === 0 && lastProjects > 0 && lost.length > 0)
    return `the config store holds no project, the last good config had ${lastProjects}`;
  const nextVersions = entryVersions(next);
  for (const [key, version] of entryVersions(lastGood)) {
    const now = nextVersions.get(key);
    if (now !== undefined && now < version)
      return `the version of ${key} went backwards (${version} → ${now}): an older state of the store was restored`;
  }
  if (next.version < lastGood.version && lost.length > 0)
    return `the config store's index went backwards (${lastGood.version} → ${next.version}) and ${lost.length} entries vanished`;
  return undefined;
}

/** Pure: the status shown while `lastGood` is held against `store`. */
export function storeResetStatus(
  reason: string,
  detectedAt: number,
  lastGood: ConfigSnapshot,
  store: ConfigSnapshot,
): StoreResetStatus {
  return {
    reason,
    detectedAt: new Date(detectedAt).toISOString(),
    lastGood: { version: lastGood.version, projects: Object.keys(lastGood.projects).length },
    store: { version: store.version, projects: Object.keys(store.projects).length },
    missingKeys: vanishedKeys(lastGood, store, new Set()),
  };
}

/** One write of a restore: the last good value, CAS on the version the store holds (0: absent). */
export interface RestoreWrite {
  write: ConfigWrite;
  expectedVersion: number;
}

/**
 * Pure: the writes that put `lastGood`'s content back into a store holding `store`: every entry
 * (eventing settings when they were set, projects, then their triggers) that is missing or holds
 * another value. Entries written since the reset and absent from `lastGood` are left alone.
 */
export function restoreWrites(lastGood: ConfigSnapshot, store: ConfigSnapshot): RestoreWrite[] {
  const writes: RestoreWrite[] = [];
  if (lastGood.eventing.version > 0 && !sameValue(lastGood.eventing.value, store.eventing.value))
    writes.push({
      write: { kind: 'eventing', value: lastGood.eventing.value },
      expectedVersion: store.eventing.version,
    });
  const triggerWrites: RestoreWrite[] = [];
  for (const [projectId, project] of Object.entries(lastGood.projects)) {
    const held = getProject(store, projectId);
    if (!held || !sameValue(held.value, project.value))
      writes.push({ write: { kind: 'project', value: project.value }, expectedVersion: held?.version ?? 0 });
    for (const [triggerId, trigger] of Object.entries(project.triggers)) {
      const heldTrigger = getTrigger(store, projectId, triggerId);
      if (!heldTrigger || !sameValue(heldTrigger.value, trigger.value))
        triggerWrites.push({
          write: { kind: 'trigger', projectId, value: trigger.value },
          expectedVersion: heldTrigger?.version ?? 0,
        });
    }
  }
  return [...writes, ...triggerWrites];
}

/** Pure: the store holds every entry of `lastGood` with its value (it may hold more). */
export function holdsLastGood(lastGood: ConfigSnapshot, store: ConfigSnapshot): boolean {
  return restoreWrites(lastGood, store).length === 0;
}

/** Values as parsed by the config schemas, whose output key order is fixed. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
