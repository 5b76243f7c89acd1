import {
  buildSnapshot,
  type ConfigEntry,
  type ConfigRef,
  type ConfigSnapshot,
  type ConfigView,
  type EventingSettingsInput,
  parseConfigValue,
  type ProjectInput,
  type TriggerInput,
} from '@spaceport/config-model';

export interface SnapshotSpec {
  readonly eventing?: EventingSettingsInput;
  readonly projects: Record<string, { project: ProjectInput; triggers?: Record<string, TriggerInput> }>;
}

function entry(ref: ConfigRef, value: unknown, version: number): ConfigEntry {
  const parsed = parseConfigValue(ref, value, version);
  if (!parsed.ok) throw new Error(`invalid test config: ${JSON.stringify(parsed.error)}`);
  return parsed.entry;
}

/** A real, validated snapshot (config-model's own parsers) from a compact spec. */
export function snapshotOf(spec: SnapshotSpec, version = 1): ConfigSnapshot {
  const entries: ConfigEntry[] = [];
  if (spec.eventing) entries.push(entry({ kind: 'eventing' }, spec.eventing, version));
  for (const [projectId, { project, triggers }] of Object.entries(spec.projects)) {
    entries.push(entry({ kind: 'project', projectId }, project, version));
    for (const [triggerId, trigger] of Object.entries(triggers ?? {}))
      entries.push(entry({ kind: 'trigger', projectId, triggerId }, trigger, version));
  }
  const { snapshot, problems } = buildSnapshot(entries, version);
  if (problems.length > 0) throw new Error(`test config problems: ${JSON.stringify(problems)}`);
  return snapshot;
}

/** An in-memory ConfigView over given snapshots (a value holder, as the config plane's mirror is). */
export class StaticConfigView implements ConfigView {
  private readonly listeners = new Set<(snapshot: ConfigSnapshot) => void>();

  constructor(private snapshot: ConfigSnapshot) {}

  current(): ConfigSnapshot {
    return this.snapshot;
  }

  ready(): Promise<ConfigSnapshot> {
    return Promise.resolve(this.snapshot);
  }

  onChange(listener: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(snapshot: ConfigSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }
}
