import { Module } from '@nestjs/common';
import { EventDeliveryModule } from '@spaceport/eventing';
import { ConfigMirrorModule } from '@spaceport/config-plane';

/**
 * Root module of the event-worker. Owns partitions, runs the BullMQ workers and delivers webhooks. Features are added as modules here.
 * The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger, GET /healthz) is
 * registered next to it by bootstrapSpaceportApp.
 */
@Module({ imports: [ConfigMirrorModule.forRoot(), EventDeliveryModule] })
export class AppModule {}
