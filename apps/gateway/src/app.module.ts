import { Module } from '@nestjs/common';

/**
 * Root module of the gateway. REST API: config admin, event queueing, logs, cluster status. Features are added as modules here.
 * The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger, GET /healthz) is
 * registered next to it by bootstrapSpaceportApp.
 */
@Module({})
export class AppModule {}
