import { isSlug } from './ids';

/**
 * Consul key layout (docs/architecture.md, Consul key layout), relative to the cluster prefix:
 *
 *   config/projects/<project>                     project
 *   config/projects/<project>/triggers/<trigger>  event trigger
 *   config/eventing                               cluster eventing settings
 */
export type ConfigRef =
  | { kind: 'eventing' }
  | { kind: 'project'; projectId: string }
  | { kind: 'trigger'; projectId: string; triggerId: string };

export const CONFIG_KEY_ROOT = 'config/';
export const PROJECTS_KEY_PREFIX = 'config/projects/';
export const EVENTING_KEY = 'config/eventing';

export function configKeyOf(ref: ConfigRef): string {
  switch (ref.kind) {
    case 'eventing':
      return EVENTING_KEY;
    case 'project':
      return `${PROJECTS_KEY_PREFIX}${ref.projectId}`;
    case 'trigger':
      return `${PROJECTS_KEY_PREFIX}${ref.projectId}/triggers/${ref.triggerId}`;
  }
}

/** The key prefix holding a project's triggers (a Consul `recurse` / delete-tree target). */
export function triggersKeyPrefix(projectId: string): string {
  return `${PROJECTS_KEY_PREFIX}${projectId}/triggers/`;
}

/** The entry a key names, or undefined for a key outside the layout (or with a non-slug id). */
export function parseConfigKeyPath(key: string): ConfigRef | undefined {
  if (key === EVENTING_KEY) return { kind: 'eventing' };
  if (!key.startsWith(PROJECTS_KEY_PREFIX)) return undefined;
  const parts = key.slice(PROJECTS_KEY_PREFIX.length).split('/');
  const [projectId, triggers, triggerId] = parts;
  if (projectId === undefined || !isSlug(projectId)) return undefined;
  if (parts.length === 1) return { kind: 'project', projectId };
  if (parts.length === 3 && triggers === 'triggers' && triggerId !== undefined && isSlug(triggerId)) {
    return { kind: 'trigger', projectId, triggerId };
  }
  return undefined;
}
