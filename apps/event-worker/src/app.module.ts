import { type DynamicModule, Module } from '@nestjs/common';
import { AppSettingsModule } from '@spaceport/app-runtime';
import { ClusterCoordinatorModule } from '@spaceport/cluster';
import { ConfigMirrorModule } from '@spaceport/config-plane';
import { EventDeliveryModule } from '@spaceport/eventing';
import { PartitionRunnerModule } from './cluster/partition-runner.module';
import { type EventWorkerSettings, eventWorkerSettingsSections } from './settings';

/**
 * Root module of the event-worker: mirrors config, runs the BullMQ consumers of the partitions it
 * owns and delivers webhooks. Standalone: it owns every partition. Distributed: the cluster
 * coordinator (leader election + assignment in Consul) starts and stops partitions on it.
 * The runtime (NodeOptions, the pino logger, GET /healthz, Consul registration) is registered next to
 * it by bootstrapSpaceportApp.
 */
@Module({})
export class AppModule {
  static forSettings(settings: EventWorkerSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppSettingsModule.of(eventWorkerSettingsSections(settings)),
        ConfigMirrorModule.forRoot(),
        EventDeliveryModule,
        ClusterCoordinatorModule.register({ imports: [PartitionRunnerModule], settings: settings.cluster }),
      ],
    };
  }
}
