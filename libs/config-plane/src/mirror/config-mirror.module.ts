import { type DynamicModule, Module } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { CONFIG_VIEW } from '@spaceport/config-model';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type ConfigPlaneModuleOptions } from '../authority/config-authority.module';
import { MirrorObservability } from '../observability/config-observability';
import { RedisProbe } from '../observability/redis-probe';
import { CONFIG_PLANE_SETTINGS, resolveConfigPlaneSettings } from '../settings';
import { ConfigMirrorService } from './config-mirror.service';

/**
 * App side of the config plane: provides `CONFIG_VIEW` (the last good mirrored snapshot) globally,
 * and `ConfigMirrorService` for writes through the authority. Adds the `config` and `redis` checks
 * of `GET /readyz` (config held, also while stale; Redis answers PING) and the config metrics.
 */
@Module({})
export class ConfigMirrorModule {
  static forRoot(moduleOptions: ConfigPlaneModuleOptions = {}): DynamicModule {
    return {
      module: ConfigMirrorModule,
      global: true,
      providers: [
        {
          provide: CONFIG_PLANE_SETTINGS,
          inject: [SPACEPORT_NODE_OPTIONS],
          useFactory: (options: NodeOptions) =>
            resolveConfigPlaneSettings(moduleOptions.env ?? process.env, options.rest),
        },
        ConfigMirrorService,
        { provide: CONFIG_VIEW, useExisting: ConfigMirrorService },
        MirrorObservability,
        RedisProbe,
      ],
      exports: [ConfigMirrorService, CONFIG_VIEW, CONFIG_PLANE_SETTINGS],
    };
  }
}
