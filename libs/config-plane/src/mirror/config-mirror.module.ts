import { type DynamicModule, Module } from '@nestjs/common';
import { CONFIG_VIEW } from '@spaceport/config-model';
import { MirrorObservability } from '../observability/config-observability';
import { RedisProbe } from '../observability/redis-probe';
import { configMessageAuthProvider } from '../signing/config-message-auth.provider';
import { ConfigMirrorService } from './config-mirror.service';

/**
 * App side of the config plane: provides `CONFIG_VIEW` (the last good mirrored snapshot) globally,
 * and `ConfigMirrorService` for writes through the authority. Adds the `config` and `redis` checks
 * of `GET /readyz` (config held, also while stale; Redis answers PING) and the config metrics.
 * Needs the app's CONFIG_PLANE_SETTINGS settings section (AppSettingsModule).
 */
@Module({})
export class ConfigMirrorModule {
  static forRoot(): DynamicModule {
    return {
      module: ConfigMirrorModule,
      global: true,
      providers: [
        ConfigMirrorService,
        { provide: CONFIG_VIEW, useExisting: ConfigMirrorService },
        MirrorObservability,
        RedisProbe,
        configMessageAuthProvider,
      ],
      exports: [ConfigMirrorService, CONFIG_VIEW],
    };
  }
}
