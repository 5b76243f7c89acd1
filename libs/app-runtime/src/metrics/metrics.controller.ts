import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { SPACEPORT_METRICS } from './metrics-registry';

@Controller()
export class MetricsController {
  constructor(@Inject(SPACEPORT_METRICS) private readonly registry: Registry) {}

  /** `GET /metrics` → this instance's metrics in the Prometheus text format (0.0.4). */
  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
