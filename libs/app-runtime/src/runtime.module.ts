import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { type Logger } from 'pino';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ReadinessModule } from './readiness/readiness.module';
import { type StartupConfig } from './startup';
import { InstanceRegistration } from './consul/instance-registration';
import {
  SPACEPORT_CONSUL_CLIENT,
  SPACEPORT_CONSUL_CONNECTION,
  SPACEPORT_LOGGER,
  SPACEPORT_NODE_OPTIONS,
} from './tokens';

/** Logs the two ends of a graceful shutdown. */
@Injectable()
class ShutdownLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(SPACEPORT_LOGGER) private readonly logger: Logger) {}

  beforeApplicationShutdown(signal?: string): void {
    this.logger.info({ signal }, 'stopping');
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.info({ signal }, 'stopped');
  }
}

/**
 * Global: NodeOptions, the Consul connection and client, the logger and the instance's Consul
 * registration for every module, plus `GET /healthz`, `GET /readyz` (features register their checks
 * in `ReadinessRegistry`) and `GET /metrics` (features add metrics to the `SPACEPORT_METRICS` registry).
 */
@Module({})
export class RuntimeModule {
  static forRoot(config: StartupConfig, logger: Logger): DynamicModule {
    return {
      module: RuntimeModule,
      global: true,
      imports: [HealthModule, ReadinessModule, MetricsModule],
      providers: [
        { provide: SPACEPORT_NODE_OPTIONS, useValue: config.options },
        { provide: SPACEPORT_CONSUL_CONNECTION, useValue: config.consul ?? null },
        {
          provide: SPACEPORT_CONSUL_CLIENT,
          // consul-core (and the `consul` client) load in distributed mode only
          useFactory: async () =>
            config.consul ? (await import('@spaceport/consul-core')).createConsulClient(config.consul) : null,
        },
        { provide: SPACEPORT_LOGGER, useValue: logger },
        ShutdownLogger,
        InstanceRegistration,
      ],
      exports: [
        SPACEPORT_NODE_OPTIONS,
        SPACEPORT_CONSUL_CONNECTION,
        SPACEPORT_CONSUL_CLIENT,
        SPACEPORT_LOGGER,
        InstanceRegistration,
        ReadinessModule,
        MetricsModule,
      ],
    };
  }
}

/** The entry module Nest starts: the runtime next to the app's own module. */
@Module({})
export class SpaceportRootModule {
  static create(config: StartupConfig, logger: Logger, appModule: Type<unknown> | DynamicModule): DynamicModule {
    return { module: SpaceportRootModule, imports: [RuntimeModule.forRoot(config, logger), appModule] };
  }
}
