import { Controller, type DynamicModule, Get, Header, Module } from '@nestjs/common';
import { SPACEPORT_CONSUL_CLIENT, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConsulClient, type NodeOptions } from '@spaceport/consul-core';
import { type Logger } from 'pino';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings, resolveConfigPlaneSettings } from '../settings';
import { type AuthorityStatus, ConfigAuthorityService } from './config-authority.service';
import { CONFIG_AUTHORITY_STORE, createAuthorityStore } from './store-factory';

@Controller()
class AuthorityStatusController {
  constructor(private readonly authority: ConfigAuthorityService) {}

  /** `GET /readyz` of the config-service: what it publishes and whether its store is readable. */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  readyz(): { status: 'ready' | 'degraded'; config: AuthorityStatus } {
    const config = this.authority.status();
    return { status: config.sourceAvailable ? 'ready' : 'degraded', config };
  }
}

export interface ConfigPlaneModuleOptions {
  /** default `process.env` */
  env?: NodeJS.ProcessEnv;
}

/**
 * Config-service side of the config plane: picks the store by mode (file or Consul KV), watches it,
 * publishes versioned snapshots with heartbeats and serves snapshot and write requests over Redis.
 */
@Module({})
export class ConfigAuthorityModule {
  static forRoot(moduleOptions: ConfigPlaneModuleOptions = {}): DynamicModule {
    return {
      module: ConfigAuthorityModule,
      controllers: [AuthorityStatusController],
      providers: [
        {
          provide: CONFIG_PLANE_SETTINGS,
          inject: [SPACEPORT_NODE_OPTIONS],
          useFactory: (options: NodeOptions) => resolveConfigPlaneSettings(moduleOptions.env ?? process.env, options.rest),
        },
        {
          provide: CONFIG_AUTHORITY_STORE,
          inject: [SPACEPORT_NODE_OPTIONS, SPACEPORT_CONSUL_CLIENT, CONFIG_PLANE_SETTINGS, SPACEPORT_LOGGER],
          useFactory: (options: NodeOptions, consul: ConsulClient | null, settings: ConfigPlaneSettings, logger: Logger) =>
            createAuthorityStore(options, consul, settings, logger),
        },
        ConfigAuthorityService,
      ],
      exports: [ConfigAuthorityService],
    };
  }
}
