import {
  Controller,
  Get,
  Header,
  Headers,
  HttpStatus,
  Inject,
  Optional,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { type Logger } from 'pino';
import { authorizeAdmin, type AdminTokens } from '../admin-auth/admin-auth';
import { ADMIN_TOKENS } from '../admin-auth/admin-auth.guard';
import { SPACEPORT_LOGGER } from '../tokens';
import { ReadinessRegistry } from './readiness-registry';

/** Pure: the keys a terminus result reports down, sorted (`[]` when everything is up). */
export function downKeys(result: Pick<HealthCheckResult, 'error'>): string[] {
  return Object.keys(result.error ?? {}).sort();
}

@Controller()
export class ReadinessController {
  /** what was down at the previous probe, to log changes only (probes come every few seconds) */
  private lastDown: string | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly registry: ReadinessRegistry,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(ADMIN_TOKENS) private readonly tokens?: AdminTokens,
  ) {}

  /**
   * `GET /readyz` → 200 `{status:"ok", info, error:{}, details}` when every registered check is up,
   * else 503 with the same body, `status:"error"` and the failing checks under `error`
   * (`shutting_down` once a graceful stop began). The checks' details (versions, ids, addresses,
   * partitions) go only to an admin token of this app (full or read-only); anyone else gets `{status}`.
   * A 503 is answered, not thrown: the report keeps its shape, which the API error filter would not.
   */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  async readyz(
    @Res({ passthrough: true }) res: { status(code: number): unknown },
    @Headers('authorization') authorization?: string,
  ): Promise<HealthCheckResult | { status: string }> {
    const detailed = this.tokens !== undefined && authorizeAdmin(this.tokens, authorization, 'read').ok;
    try {
      const result = await this.health.check(this.registry.indicatorFunctions());
      this.noteChange(result);
      return detailed ? result : { status: result.status };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      this.noteChange(result);
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return detailed ? result : { status: result.status };
    }
  }

  private noteChange(result: HealthCheckResult): void {
    const down = downKeys(result);
    const key = `${result.status}:${down.join(',')}`;
    if (key === this.lastDown) return;
    const first = this.lastDown === undefined;
    this.lastDown = key;
    if (down.length > 0) this.logger.warn({ down, error: result.error }, 'not ready');
    else if (!first) this.logger.info({ status: result.status }, 'ready');
  }
}
