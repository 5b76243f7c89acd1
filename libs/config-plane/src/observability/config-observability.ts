import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, SPACEPORT_METRICS } from '@spaceport/app-runtime';
import { type Registry } from 'prom-client';
import { ConfigAuthorityService } from '../authority/config-authority.service';
import { ConfigMirrorService } from '../mirror/config-mirror.service';
import { authorityConfigIndicator, mirrorConfigIndicator } from './config-indicators';
import { registerConfigMetrics } from './config-metrics';

/** Gateway and event-worker: the `config` readiness check and the config metrics of the mirror. */
@Injectable()
export class MirrorObservability implements OnModuleInit {
  constructor(
    private readonly mirror: ConfigMirrorService,
    private readonly readiness: ReadinessRegistry,
    @Inject(SPACEPORT_METRICS) private readonly metrics: Registry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('config', (session) => mirrorConfigIndicator(session, this.mirror.status()));
    registerConfigMetrics(this.metrics, () => {
      const status = this.mirror.status();
      return { version: status.version, stale: status.state === 'stale', storeReset: status.storeReset !== undefined };
    });
  }
}

/** Config-service: the `config` readiness check and the config metrics of the authority. */
@Injectable()
export class AuthorityObservability implements OnModuleInit {
  constructor(
    private readonly authority: ConfigAuthorityService,
    private readonly readiness: ReadinessRegistry,
    @Inject(SPACEPORT_METRICS) private readonly metrics: Registry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('config', (session) => authorityConfigIndicator(session, this.authority.status()));
    registerConfigMetrics(this.metrics, () => {
      const status = this.authority.status();
      return { version: status.version, stale: !status.sourceAvailable, storeReset: status.storeReset !== undefined };
    });
  }
}
