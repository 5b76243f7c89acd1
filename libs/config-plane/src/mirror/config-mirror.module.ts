import { Controller, type DynamicModule, Get, Header, HttpStatus, Module, Res } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { CONFIG_VIEW } from '@spaceport/config-model';
import { type NodeOptions } from '@spaceport/consul-core';
import { type ConfigPlaneModuleOptions } from '../authority/config-authority.module';
import { CONFIG_PLANE_SETTINGS, resolveConfigPlaneSettings } from '../settings';
import { ConfigMirrorService } from './config-mirror.service';
import { type MirrorStatus } from './mirror-status';

/** The part of Express's response this controller uses (no @types/express in the workspace). */
interface StatusResponse {
  status(code: number): unknown;
}

@Controller()
class MirrorStatusController {
  constructor(private readonly mirror: ConfigMirrorService) {}

  /**
   * `GET /readyz`: 200 once a config is held (also while stale: the last good config is served),
   * 503 before the first one. The body says which version and whether it is current.
   */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  readyz(@Res({ passthrough: true }) response: StatusResponse): { status: 'ready' | 'waiting'; config: MirrorStatus } {
    const config = this.mirror.status();
    if (config.state === 'waiting') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: config.state === 'waiting' ? 'waiting' : 'ready', config };
  }
}

/**
 * App side of the config plane: provides `CONFIG_VIEW` (the last good mirrored snapshot) globally,
 * and `ConfigMirrorService` for writes through the authority.
 */
@Module({})
export class ConfigMirrorModule {
  static forRoot(moduleOptions: ConfigPlaneModuleOptions = {}): DynamicModule {
    return {
      module: ConfigMirrorModule,
      global: true,
      controllers: [MirrorStatusController],
      providers: [
        {
          provide: CONFIG_PLANE_SETTINGS,
          inject: [SPACEPORT_NODE_OPTIONS],
          useFactory: (options: NodeOptions) => resolveConfigPlaneSettings(moduleOptions.env ?? process.env, options.rest),
        },
        ConfigMirrorService,
        { provide: CONFIG_VIEW, useExisting: ConfigMirrorService },
      ],
      exports: [ConfigMirrorService, CONFIG_VIEW, CONFIG_PLANE_SETTINGS],
    };
  }
}
