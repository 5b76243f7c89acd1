import { Module } from '@nestjs/common';
import { ClusterStatusModule } from '@spaceport/cluster';
import { EventIngestModule, EventObserveModule } from '@spaceport/eventing';
import { ConfigAdminModule, ConfigMirrorModule } from '@spaceport/config-plane';
import { ConsoleModule } from '@spaceport/console';
import { PartitionBacklogModule } from './cluster/partition-backlog.module';

/**
 * Root module of the gateway. REST API: config admin, event queueing, event logs and trigger state, cluster status; the web console. Features are added as modules here.
 * The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger, GET /healthz) is
 * registered next to it by bootstrapSpaceportApp.
 */
@Module({
  imports: [
    ConfigMirrorModule.forRoot(),
    ConfigAdminModule,
    EventIngestModule,
    EventObserveModule,
    ClusterStatusModule.register({ imports: [PartitionBacklogModule] }),
    ConsoleModule,
  ],
})
export class AppModule {}
