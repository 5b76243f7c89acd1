import { type ConfigEntry, type ConfigKeyError } from './entries';
import { defaultEventingSettings, type EventingSettings } from './eventing';
import { type Project, redactProject, type RedactedProject } from './project';
import { redactTrigger, type QueuedEventView, type Trigger, triggerMatchesEvent } from './trigger';

/** A value and the store version it was read at (Consul ModifyIndex; 0 = absent, defaults). */
export interface Versioned<T> {
  version: number;
  value: T;
}

export interface SnapshotProject extends Versioned<Project> {
  /** keyed by trigger id */
  triggers: Record<string, Versioned<Trigger>>;
}

/**
 * The whole config at one moment. `version` only grows between snapshots of one store (Consul:
 * the index of the KV read; file: the file's revision). Records are keyed by id; look them up with
 * `getProject` / `getTrigger` (own properties only).
 */
export interface ConfigSnapshot {
  version: number;
  eventing: Versioned<EventingSettings>;
  /** keyed by project id */
  projects: Record<string, SnapshotProject>;
}

export function emptySnapshot(version = 0): ConfigSnapshot {
  return { version, eventing: { version: 0, value: defaultEventingSettings() }, projects: {} };
}

export interface SnapshotBuild {
  snapshot: ConfigSnapshot;
  /** entries left out: triggers of a project that has no project key, repeated keys */
  problems: ConfigKeyError[];
}

/**
 * Assembles validated entries into a snapshot. `version` defaults to the highest entry version.
 * A trigger whose project is absent is left out and reported (in Consul a project delete removes
 * its subtree in one transaction, so this only shows a hand-made key).
 */
export function buildSnapshot(entries: readonly ConfigEntry[], version?: number): SnapshotBuild {
  const problems: ConfigKeyError[] = [];
  const seen = new Set<string>();
  let eventing: Versioned<EventingSettings> = { version: 0, value: defaultEventingSettings() };
  const projects = new Map<string, SnapshotProject>();
  const triggers: Extract<ConfigEntry, { kind: 'trigger' }>[] = [];
  for (const entry of entries) {
    if (seen.has(entry.key)) {
      problems.push({
        key: entry.key,
        issues: [{ field: '(key)', message: 'key appears more than once; the first is kept' }],
      });
      continue;
    }
    seen.add(entry.key);
    if (entry.kind === 'eventing') eventing = { version: entry.version, value: entry.value };
    else if (entry.kind === 'project')
      projects.set(entry.projectId, { version: entry.version, value: entry.value, triggers: {} });
    else triggers.push(entry);
  }
  for (const entry of triggers) {
    const project = projects.get(entry.projectId);
    if (!project) {
      problems.push({
        key: entry.key,
        issues: [{ field: '(key)', message: `project "${entry.projectId}" does not exist; trigger ignored` }],
      });
      continue;
    }
    Object.defineProperty(project.triggers, entry.triggerId, {
      value: { version: entry.version, value: entry.value },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const maxVersion = Math.max(0, ...entries.map((entry) => entry.version));
  const snapshot: ConfigSnapshot = { version: version ?? maxVersion, eventing, projects: Object.fromEntries(projects) };
  return { snapshot, problems };
}

export function getProject(snapshot: ConfigSnapshot, projectId: string): SnapshotProject | undefined {
  return Object.hasOwn(snapshot.projects, projectId) ? snapshot.projects[projectId] : undefined;
}

export function getTrigger(
  snapshot: ConfigSnapshot,
  projectId: string,
  triggerId: string,
): Versioned<Trigger> | undefined {
  const project = getProject(snapshot, projectId);
  return project && Object.hasOwn(project.triggers, triggerId) ? project.triggers[triggerId] : undefined;
}

/** The triggers an event fans out to, sorted by trigger id (a stable order for job ids). */
export function triggersForEvent(snapshot: ConfigSnapshot, projectId: string, event: QueuedEventView): Trigger[] {
  const project = getProject(snapshot, projectId);
  if (!project) return [];
  return Object.values(project.triggers)
    .map((versioned) => versioned.value)
    .filter((trigger) => triggerMatchesEvent(trigger, event))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface RedactedSnapshotProject extends Versioned<RedactedProject> {
  triggers: Record<string, Versioned<Trigger>>;
}

export interface RedactedConfigSnapshot extends Omit<ConfigSnapshot, 'projects'> {
  projects: Record<string, RedactedSnapshotProject>;
}

/** The snapshot with every project secret, trigger header value and URL credential redacted. */
export function redactSnapshot(snapshot: ConfigSnapshot): RedactedConfigSnapshot {
  const projects = Object.entries(snapshot.projects).map(([id, project]): [string, RedactedSnapshotProject] => {
    const triggers = Object.entries(project.triggers).map(([triggerId, trigger]) => [
      triggerId,
      { version: trigger.version, value: redactTrigger(trigger.value) },
    ]);
    return [
      id,
      { version: project.version, value: redactProject(project.value), triggers: Object.fromEntries(triggers) },
    ];
  });
  return { ...snapshot, projects: Object.fromEntries(projects) };
}
