import {
  ADMIN_TOKENS,
  type StartupConfig,
  resolveStartupConfig,
  type SettingsSection,
  settingsSection,
} from '@spaceport/app-runtime';
import { type ClusterSettings, clusterSettingsFromEnv } from '@spaceport/cluster';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings, resolveConfigPlaneSettings } from '@spaceport/config-plane';
import { EVENTING_ENV, type EventingEnv, parseEventingEnv } from '@spaceport/eventing';

/** Every flag and environment variable the event-worker reads, parsed and validated once at start-up. */
export interface EventWorkerSettings extends StartupConfig {
  configPlane: ConfigPlaneSettings;
  eventing: EventingEnv;
  /** the CLUSTER_* timings set in the environment; distributed mode only (standalone has no cluster) */
  cluster: Partial<ClusterSettings>;
}

/** Rejects with a ConfigError naming the bad flag or variable. */
export async function loadEventWorkerSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<EventWorkerSettings> {
  const startup = await resolveStartupConfig('event-worker', argv, env);
  const configPlane = resolveConfigPlaneSettings(env, startup.options.rest);
  return {
    ...startup,
    configPlane,
    eventing: parseEventingEnv(env, configPlane.redis),
    cluster: startup.options.enableConsul ? clusterSettingsFromEnv(env) : {},
  };
}

/** The sections the event-worker's lib modules inject. */
export function eventWorkerSettingsSections(settings: EventWorkerSettings): SettingsSection[] {
  return [
    settingsSection(CONFIG_PLANE_SETTINGS, settings.configPlane),
    settingsSection(EVENTING_ENV, settings.eventing),
    settingsSection(ADMIN_TOKENS, settings.adminTokens),
  ];
}
