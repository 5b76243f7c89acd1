import { Module } from '@nestjs/common';
import { ConfigAuthorityModule } from '@spaceport/config-plane';

/**
 * Root module of the config-service. Single writer of config; mirrors the store (file or Consul KV) to the other apps. Features are added as modules here.
 * The runtime (NodeOptions under SPACEPORT_NODE_OPTIONS, the pino logger, GET /healthz) is
 * registered next to it by bootstrapSpaceportApp.
 */
@Module({ imports: [ConfigAuthorityModule.forRoot()] })
export class AppModule {}
