import type * as z from 'zod';
import { type EventingSettings, eventingSettingsSchema } from './eventing';
import { type FieldIssue, joinFieldPath, ROOT_FIELD, safeParseFields } from './issues';
import { type ConfigRef, configKeyOf, parseConfigKeyPath } from './keys';
import { type Project, projectBodySchema } from './project';
import { type Trigger, triggerBodySchema } from './trigger';

/** One validated config key. `version` is the store's version of it (Consul ModifyIndex); 0 = unknown/absent. */
export type ConfigEntry =
  | { kind: 'eventing'; key: string; version: number; value: EventingSettings }
  | { kind: 'project'; key: string; version: number; projectId: string; value: Project }
  | { kind: 'trigger'; key: string; version: number; projectId: string; triggerId: string; value: Trigger };

/** Why one key was rejected: the key and its field messages (never the raw value). */
export interface ConfigKeyError {
  key: string;
  issues: FieldIssue[];
}

export type ConfigEntryResult = { ok: true; entry: ConfigEntry } | { ok: false; error: ConfigKeyError };

/** `parseConfigKey` for a value already decoded (a YAML/JSON file subtree, an API body). */
export function parseConfigValue(ref: ConfigRef, value: unknown, version = 0, fieldPrefix?: string): ConfigEntryResult {
  const key = configKeyOf(ref);
  const fail = (issues: FieldIssue[]): ConfigEntryResult => ({ ok: false, error: { key, issues } });
  switch (ref.kind) {
    case 'eventing': {
      const parsed = safeParseFields(eventingSettingsSchema, value, fieldPrefix);
      if (!parsed.success) return fail(parsed.issues);
      return { ok: true, entry: { kind: 'eventing', key, version, value: parsed.data } };
    }
    case 'project': {
      const parsed = parseWithId(projectBodySchema, value, ref.projectId, fieldPrefix);
      if (!parsed.ok) return fail(parsed.issues);
      return { ok: true, entry: { kind: 'project', key, version, projectId: ref.projectId, value: parsed.value } };
    }
    case 'trigger': {
      const parsed = parseWithId(triggerBodySchema, value, ref.triggerId, fieldPrefix);
      if (!parsed.ok) return fail(parsed.issues);
      const entry: ConfigEntry = {
        kind: 'trigger',
        key,
        version,
        projectId: ref.projectId,
        triggerId: ref.triggerId,
        value: parsed.value,
      };
      return { ok: true, entry };
    }
  }
}

/**
 * Validates the raw (JSON text) value of a Consul key under the config layout:
 * `config/projects/<project>`, `config/projects/<project>/triggers/<trigger>`, `config/eventing`.
 */
export function parseConfigKey(key: string, raw: string | null, version = 0): ConfigEntryResult {
  const ref = parseConfigKeyPath(key);
  if (!ref)
    return {
      ok: false,
      error: {
        key,
        issues: [
          {
            field: '(key)',
            message:
              'not a config key (expected config/eventing, config/projects/<id> or config/projects/<id>/triggers/<id>)',
          },
        ],
      },
    };
  const decoded = parseJsonText(raw);
  if (!decoded.ok) return { ok: false, error: { key, issues: [{ field: ROOT_FIELD, message: decoded.message }] } };
  return parseConfigValue(ref, decoded.value, version);
}

type IdParse<T> = { ok: true; value: T & { id: string } } | { ok: false; issues: FieldIssue[] };

function parseWithId<S extends z.ZodType<{ id?: string | undefined }, unknown>>(
  schema: S,
  value: unknown,
  id: string,
  fieldPrefix?: string,
): IdParse<z.output<S>> {
  const parsed = safeParseFields(schema, value, fieldPrefix);
  if (!parsed.success) return { ok: false, issues: parsed.issues };
  const bodyId = parsed.data.id;
  if (bodyId !== undefined && bodyId !== id) {
    return {
      ok: false,
      issues: [{ field: joinFieldPath(['id'], fieldPrefix), message: `must match the id in the key ("${id}")` }],
    };
  }
  return { ok: true, value: { ...parsed.data, id } };
}

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * JSON.parse with an error message that never quotes the input (V8's messages do, and a config
 * value holds secrets): only the position is kept.
 */
export function parseJsonText(raw: string | null): JsonTextResult {
  if (raw === null || raw.trim() === '') return { ok: false, message: 'empty value, expected JSON' };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    return { ok: false, message: position === undefined ? 'invalid JSON' : `invalid JSON at position ${position}` };
  }
}

/** One line for logs: `config/projects/demo: secrets.webhook.0: must be …; name: is required`. */
export function describeConfigKeyError(error: ConfigKeyError): string {
  return `${error.key}: ${error.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`;
}
