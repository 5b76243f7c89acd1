import { type DynamicModule, Module } from '@nestjs/common';
import { SPACEPORT_CONSUL_CLIENT, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConsulClient } from '@spaceport/consul-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { AuthorityObservability } from '../observability/config-observability';
import { RedisProbe } from '../observability/redis-probe';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings, resolveConfigPlaneSettings } from '../settings';
import { ConfigAuthorityService } from './config-authority.service';
import { CONFIG_AUTHORITY_STORE, createAuthorityStore } from './store-factory';

export interface ConfigPlaneModuleOptions {
  /** default `process.env` */
  env?: NodeJS.ProcessEnv;
}

/**
 * Config-service side of the config plane: picks the store by mode (file or Consul KV), watches it,
 * publishes versioned snapshots with heartbeats and serves snapshot and write requests over Redis.
 * Adds the `config` (store read and readable) and `redis` checks of `GET /readyz` and the config metrics.
 */
@Module({})
export class ConfigAuthorityModule {
  static forRoot(moduleOptions: ConfigPlaneModuleOptions = {}): DynamicModule {
    return {
      module: ConfigAuthorityModule,
      providers: [
        {
          provide: CONFIG_PLANE_SETTINGS,
          inject: [SPACEPORT_NODE_OPTIONS],
          useFactory: (options: NodeOptions) =>
            resolveConfigPlaneSettings(moduleOptions.env ?? process.env, options.rest),
        },
        {
          provide: CONFIG_AUTHORITY_STORE,
          inject: [SPACEPORT_NODE_OPTIONS, SPACEPORT_CONSUL_CLIENT, CONFIG_PLANE_SETTINGS, SPACEPORT_LOGGER],
          useFactory: (
            options: NodeOptions,
            consul: ConsulClient | null,
            settings: ConfigPlaneSettings,
            logger: Logger,
          ) => createAuthorityStore(options, consul, settings, logger),
        },
        ConfigAuthorityService,
        AuthorityObservability,
        RedisProbe,
      ],
      exports: [ConfigAuthorityService],
    };
  }
}
