import { type DynamicModule, Module } from '@nestjs/common';
import { AppSettingsModule } from '@spaceport/app-runtime';
import { ConfigAuthorityModule } from '@spaceport/config-plane';
import { type ConfigServiceSettings, configServiceSettingsSections } from './settings';

/**
 * Root module of the config-service: the single writer of config; mirrors the store (file or Consul
 * KV) to the other apps. The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger,
 * GET /healthz) is registered next to it by bootstrapSpaceportApp.
 */
@Module({})
export class AppModule {
  static forSettings(settings: ConfigServiceSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [AppSettingsModule.of(configServiceSettingsSections(settings)), ConfigAuthorityModule.forRoot()],
    };
  }
}
