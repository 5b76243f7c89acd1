import { Controller, Get, Header } from '@nestjs/common';
import { type HealthStatus, HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** `GET /healthz` → 200 `{"status":"ok","role","nodeId","mode"}`; used by compose and orchestrators. */
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz(): HealthStatus {
    return this.health.status();
  }
}
