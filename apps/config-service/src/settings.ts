import {
  ADMIN_TOKENS,
  type StartupConfig,
  resolveStartupConfig,
  type SettingsSection,
  settingsSection,
} from '@spaceport/app-runtime';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings, resolveConfigPlaneSettings } from '@spaceport/config-plane';

/** Every flag and environment variable the config-service reads, parsed and validated once at start-up. */
export interface ConfigServiceSettings extends StartupConfig {
  configPlane: ConfigPlaneSettings;
}

/** Rejects with a ConfigError naming the bad flag or variable. */
export async function loadConfigServiceSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ConfigServiceSettings> {
  const startup = await resolveStartupConfig('config-service', argv, env);
  return { ...startup, configPlane: resolveConfigPlaneSettings(env, startup.options.rest) };
}

/** The sections the config-service's lib modules inject. */
export function configServiceSettingsSections(settings: ConfigServiceSettings): SettingsSection[] {
  return [
    settingsSection(CONFIG_PLANE_SETTINGS, settings.configPlane),
    settingsSection(ADMIN_TOKENS, settings.adminTokens),
  ];
}
