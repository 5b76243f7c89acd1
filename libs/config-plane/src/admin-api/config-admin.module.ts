import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ADMIN_TOKENS, AdminAuthGuard, type AdminTokens, SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Logger } from 'pino';
import { ConfigAdminController } from './config-admin.controller';
import { ConfigAdminService } from './config-admin.service';
import { ConfigProjectsController } from './config-projects.controller';
import { ConfigAccessController, ConfigSecretsController } from './config-secrets.controller';
import { ConfigStoreController } from './config-store.controller';

/**
 * Gateway: the config admin REST API (`/v1/config/projects/...`, `/v1/config/store`). Needs `ConfigMirrorModule`
 * (global) for reads and for writes through the config-service, and the app's ADMIN_TOKENS settings section. `ADMIN_TOKEN` unset → the API
 * answers 401 to everything and a warning is logged at start (the rest of the gateway still runs).
 */
@Module({
  controllers: [
    ConfigProjectsController,
    ConfigStoreController,
    ConfigAccessController,
    ConfigSecretsController,
    ConfigAdminController,
  ],
  providers: [AdminAuthGuard, ConfigAdminService],
})
export class ConfigAdminModule implements OnModuleInit {
  constructor(
    @Inject(ADMIN_TOKENS) private readonly tokens: AdminTokens,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (this.tokens.full === undefined) {
      this.logger.warn(
        'ADMIN_TOKEN is not set: the config API (/v1/config) refuses every request; set ADMIN_TOKEN (and optionally ADMIN_READ_TOKEN) to enable it',
      );
    } else {
      this.logger.info({ readOnlyToken: this.tokens.read !== undefined }, 'config API enabled (bearer tokens)');
    }
  }
}
