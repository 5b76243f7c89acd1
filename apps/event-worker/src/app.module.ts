import { Module } from '@nestjs/common';

/**
 * Root module of the event-worker. Owns partitions, runs the BullMQ workers and delivers webhooks. Features are added as modules here.
 * The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger, GET /healthz) is
 * registered next to it by bootstrapSpaceportApp.
 */
@Module({})
export class AppModule {}
