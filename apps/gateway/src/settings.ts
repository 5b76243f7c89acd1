import {
  ADMIN_TOKENS,
  resolveStartupConfig,
  type SettingsSection,
  settingsSection,
  type StartupConfig,
} from '@spaceport/app-runtime';
import {
  CONFIG_PLANE_SETTINGS,
  type ConfigPlaneSettings,
  resolveConfigPlaneSettings,
  WEBHOOK_TARGET_POLICY,
} from '@spaceport/config-plane';
import { EVENTING_ENV, type EventingEnv, parseEventingEnv } from '@spaceport/eventing';

/** Every flag and environment variable the gateway reads, parsed and validated once at start-up. */
export interface GatewaySettings extends StartupConfig {
  configPlane: ConfigPlaneSettings;
  eventing: EventingEnv;
}

/** Rejects with a ConfigError naming the bad flag or variable. */
export async function loadGatewaySettings(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<GatewaySettings> {
  const startup = await resolveStartupConfig('gateway', argv, env);
  const configPlane = resolveConfigPlaneSettings(env, startup.options.rest);
  return {
    ...startup,
    configPlane,
    eventing: parseEventingEnv(env, configPlane.redis),
  };
}

/** The sections the gateway's lib modules inject. */
export function gatewaySettingsSections(settings: GatewaySettings): SettingsSection[] {
  return [
    settingsSection(CONFIG_PLANE_SETTINGS, settings.configPlane),
    settingsSection(EVENTING_ENV, settings.eventing),
    settingsSection(ADMIN_TOKENS, settings.adminTokens),
    // the config API refuses trigger URLs the workers' SSRF guard would refuse (same variables)
    settingsSection(WEBHOOK_TARGET_POLICY, {
      allowPrivate: settings.eventing.allowPrivate,
      allowedCidrs: settings.eventing.allowedCidrs,
    }),
  ];
}
