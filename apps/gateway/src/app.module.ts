import { type DynamicModule, Module } from '@nestjs/common';
import { AppSettingsModule } from '@spaceport/app-runtime';
import { ClusterStatusModule } from '@spaceport/cluster';
import { EventIngestModule, EventObserveModule } from '@spaceport/eventing';
import { ConfigAdminModule, ConfigMirrorModule } from '@spaceport/config-plane';
import { ConsoleModule } from '@spaceport/console';
import { PartitionReadingsModule } from './cluster/partition-readings.module';
import { type GatewaySettings, gatewaySettingsSections } from './settings';

/**
 * Root module of the gateway. REST API: config admin, event queueing, event logs and trigger state, cluster status; the web
 * console. The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger, GET /healthz) is
 * registered next to it by bootstrapSpaceportApp.
 */
@Module({})
export class AppModule {
  static forSettings(settings: GatewaySettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppSettingsModule.of(gatewaySettingsSections(settings)),
        ConfigMirrorModule.forRoot(),
        ConfigAdminModule,
        EventIngestModule,
        EventObserveModule,
        ClusterStatusModule.register({ imports: [PartitionReadingsModule] }),
        ConsoleModule,
      ],
    };
  }
}
