import { type HealthyInstance, type KvStore } from '@spaceport/consul-core';
import * as z from 'zod';
import { type AssignmentDocument, assignmentDocumentSchema } from './assignment-document';
import { CLUSTER_KEYS, clusterTag } from './settings';

export interface StoredAssignment {
  /** undefined when absent or unreadable (junk is overwritten by the leader with a CAS on its index) */
  document: AssignmentDocument | undefined;
  /** ModifyIndex to CAS against; 0 when the key does not exist */
  modifyIndex: number;
}

/** Reads `assignment`; a value that does not parse counts as no document (but keeps its index). */
export async function readAssignment(kv: KvStore): Promise<StoredAssignment> {
  const entries = await kv.list(CLUSTER_KEYS.assignment, assignmentDocumentSchema);
  const entry = entries.find((candidate) => candidate.key === CLUSTER_KEYS.assignment);
  if (!entry) return { document: undefined, modifyIndex: 0 };
  return { document: entry.ok ? entry.value : undefined, modifyIndex: entry.modifyIndex };
}

const ackSchema = z.number().int().nonnegative();

/** Pure: `acks/<nodeId>` entries → node → last acked generation (junk entries are ignored). */
export function acksFromEntries(
  entries: ReadonlyArray<{ key: string; ok: boolean; value?: unknown }>,
): Map<string, number> {
  const acks = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.ok || !entry.key.startsWith(CLUSTER_KEYS.acksPrefix)) continue;
    const parsed = ackSchema.safeParse(entry.value);
    if (parsed.success) acks.set(entry.key.slice(CLUSTER_KEYS.acksPrefix.length), parsed.data);
  }
  return acks;
}

export async function readAcks(kv: KvStore): Promise<Map<string, number>> {
  return acksFromEntries(await kv.list(CLUSTER_KEYS.acksPrefix));
}

/** Pure: ids of the instances that belong to `clusterId` (the watch filters on the role tag only). */
export function clusterMemberIds(instances: readonly HealthyInstance[], clusterId: string): string[] {
  const tag = clusterTag(clusterId);
  return instances.filter((instance) => instance.tags.includes(tag)).map((instance) => instance.id);
}
