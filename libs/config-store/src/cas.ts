import { type ConfigRef, type ConfigSnapshot, getProject, getTrigger } from '@spaceport/config-model';
import { type ConfigWrite, type WriteResult } from './config-store';

export type WriteRefusal = Exclude<WriteResult, { ok: true }>;

export function refOfWrite(write: ConfigWrite): ConfigRef {
  switch (write.kind) {
    case 'eventing':
      return { kind: 'eventing' };
    case 'project':
      return { kind: 'project', projectId: write.value.id };
    case 'trigger':
      return { kind: 'trigger', projectId: write.projectId, triggerId: write.value.id };
  }
}

/** The version of the entry `ref` names in `snapshot`, undefined when absent. */
export function versionOfEntry(snapshot: ConfigSnapshot, ref: ConfigRef): number | undefined {
  switch (ref.kind) {
    case 'eventing':
      return snapshot.eventing.version === 0 ? undefined : snapshot.eventing.version;
    case 'project':
      return getProject(snapshot, ref.projectId)?.version;
    case 'trigger':
      return getTrigger(snapshot, ref.projectId, ref.triggerId)?.version;
  }
}

/**
 * The compare-and-set rule shared by every store: a put needs `expectedVersion` = the entry's
 * version (0 when it must not exist yet); a delete needs the entry to exist at `expectedVersion`;
 * a trigger needs its project. Returns the refusal, or undefined when the write may proceed.
 */
export function checkExpectedVersion(
  snapshot: ConfigSnapshot,
  ref: ConfigRef,
  operation: 'put' | 'delete',
  expectedVersion: number,
): WriteRefusal | undefined {
  if (ref.kind === 'trigger' && !getProject(snapshot, ref.projectId)) return { ok: false, reason: 'not-found' };
  const current = versionOfEntry(snapshot, ref);
  if (operation === 'delete' && current === undefined) return { ok: false, reason: 'not-found' };
  const currentVersion = current ?? 0;
  return expectedVersion === currentVersion ? undefined : { ok: false, reason: 'conflict', currentVersion };
}
