import * as z from 'zod';
import {
  buildSnapshot,
  type ConfigEntry,
  type ConfigRef,
  type ConfigSnapshot,
  type FieldIssue,
  isPlainObject,
  parseConfigValue,
  safeParseFields,
  safeRecord,
  slugSchema,
  stableStringify,
} from '@spaceport/config-model';
import { type ConfigWrite } from './config-store';
import {
  type EditableDocument,
  emptyEditableDocument,
  type FileFormat,
  parseEditableDocument,
} from './editable-document';

/**
 * The standalone config file (YAML or JSON):
 *
 *   version: 7                # revision counter, bumped by every store write
 *   eventing: { … }           # optional: config/eventing
 *   projects:
 *     <project>:              # config/projects/<project>
 *       name: …
 *       secrets: { webhook: [whsec_…], apiTokens: [ … ] }
 *       triggers:
 *         <trigger>: { type, url, … }   # config/projects/<project>/triggers/<trigger>
 */
const fileSchema = z
  .object({
    version: z.number().int().min(0).default(0),
    eventing: z.unknown().optional(),
    projects: safeRecord(slugSchema, z.unknown())
      .nullable()
      .default({})
      .transform((projects) => projects ?? {}),
  })
  .strict();

const triggersSchema = safeRecord(slugSchema, z.unknown())
  .nullable()
  .optional()
  .transform((triggers) => triggers ?? {});

export interface DecodedConfigFile {
  /** the `version` written in the file */
  fileVersion: number;
  /** validated entries, version 0 (the store assigns the revision) */
  entries: ConfigEntry[];
  /** equal for equal config, whatever the layout, comments or defaults spelled out */
  fingerprint: string;
  document: EditableDocument;
}

export type ConfigFileDecode = { ok: true; file: DecodedConfigFile } | { ok: false; issues: FieldIssue[] };

/** Text of a config file → validated entries; `text === undefined` is a missing file (empty config). */
export function decodeConfigFile(text: string | undefined, format: FileFormat): ConfigFileDecode {
  const parsed =
    text === undefined
      ? { ok: true as const, document: emptyEditableDocument(format) }
      : parseEditableDocument(text, format);
  if (!parsed.ok) return parsed;
  const shape = safeParseFields(fileSchema, parsed.document.data);
  if (!shape.success) return { ok: false, issues: shape.issues };
  const entries: ConfigEntry[] = [];
  const issues: FieldIssue[] = [];
  const collect = (ref: ConfigRef, value: unknown, prefix: string) => {
    const result = parseConfigValue(ref, value, 0, prefix);
    if (result.ok) entries.push(result.entry);
    else issues.push(...result.error.issues);
  };
  if (shape.data.eventing !== undefined && shape.data.eventing !== null)
    collect({ kind: 'eventing' }, shape.data.eventing, 'eventing');
  for (const [projectId, node] of Object.entries(shape.data.projects)) {
    const prefix = `projects.${projectId}`;
    if (!isPlainObject(node)) {
      issues.push({ field: prefix, message: 'expected a map' });
      continue;
    }
    const { triggers: rawTriggers, ...body } = node;
    collect({ kind: 'project', projectId }, body, prefix);
    const triggers = safeParseFields(triggersSchema, rawTriggers, `${prefix}.triggers`);
    if (!triggers.success) {
      issues.push(...triggers.issues);
      continue;
    }
    for (const [triggerId, trigger] of Object.entries(triggers.data)) {
      collect({ kind: 'trigger', projectId, triggerId }, trigger, `${prefix}.triggers.${triggerId}`);
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    file: { fileVersion: shape.data.version, entries, fingerprint: fingerprintOf(entries), document: parsed.document },
  };
}

function fingerprintOf(entries: readonly ConfigEntry[]): string {
  const pairs = entries
    .map((entry) => [entry.key, entry.value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return stableStringify(pairs);
}

/** The snapshot of a decoded file at revision `version`: every present entry carries that version. */
export function snapshotOfFile(file: DecodedConfigFile, version: number): ConfigSnapshot {
  return buildSnapshot(
    file.entries.map((entry) => ({ ...entry, version })),
    version,
  ).snapshot;
}

export interface KnownRevision {
  version: number;
  fingerprint: string;
}

/**
 * The revision of a file as this store sees it. Normally the file's own `version`. A hand edit that
 * changed the config without raising `version` still gets a new revision (last known + 1), so a
 * writer that read the old content gets a conflict instead of overwriting the edit.
 */
export function revisionOf(fileVersion: number, fingerprint: string, known: KnownRevision | undefined): number {
  if (!known || fileVersion > known.version) return fileVersion;
  return fingerprint === known.fingerprint ? known.version : known.version + 1;
}

/** Body as written to the file: the id lives in the map key, undefined fields are left out. */
function bodyOf(value: object): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  delete body['id'];
  return body;
}

export function applyPut(document: EditableDocument, write: ConfigWrite): void {
  switch (write.kind) {
    case 'eventing':
      document.set(['eventing'], bodyOf(write.value));
      return;
    case 'project': {
      const body = bodyOf(write.value);
      for (const [field, value] of Object.entries(body)) document.set(['projects', write.value.id, field], value);
      return;
    }
    case 'trigger':
      document.set(['projects', write.projectId, 'triggers', write.value.id], bodyOf(write.value));
      return;
  }
}

export function applyDelete(document: EditableDocument, ref: ConfigRef): void {
  switch (ref.kind) {
    case 'eventing':
      document.delete(['eventing']);
      return;
    case 'project':
      document.delete(['projects', ref.projectId]);
      return;
    case 'trigger':
      document.delete(['projects', ref.projectId, 'triggers', ref.triggerId]);
      return;
  }
}
