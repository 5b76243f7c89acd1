import { type DynamicModule, Module } from '@nestjs/common';
import { SPACEPORT_CONSUL_CLIENT, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConsulClient } from '@spaceport/consul-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { AuthorityObservability } from '../observability/config-observability';
import { RedisProbe } from '../observability/redis-probe';
import { configMessageAuthProvider } from '../signing/config-message-auth.provider';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';
import { ConfigAuthorityService } from './config-authority.service';
import { CONFIG_AUTHORITY_STORE, createAuthorityStore } from './store-factory';

/**
 * Config-service side of the config plane: picks the store by mode (file or Consul KV), watches it,
 * publishes versioned snapshots with heartbeats and serves snapshot and write requests over Redis.
 * Adds the `config` (store read and readable) and `redis` checks of `GET /readyz` and the config metrics.
 * Needs the app's CONFIG_PLANE_SETTINGS settings section (AppSettingsModule).
 */
@Module({})
export class ConfigAuthorityModule {
  static forRoot(): DynamicModule {
    return {
      module: ConfigAuthorityModule,
      providers: [
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
        configMessageAuthProvider,
      ],
      exports: [ConfigAuthorityService],
    };
  }
}
