import { Injectable } from '@nestjs/common';
import { type HealthIndicatorFunction, type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** The terminus session of one indicator key: `up(details)` / `down(details)`. */
export type ReadinessSession = ReturnType<HealthIndicatorService['check']>;

/** One readiness check; it answers through the session it is given (so its key cannot drift). */
export type ReadinessCheck = (indicator: ReadinessSession) => Promise<HealthIndicatorResult> | HealthIndicatorResult;

/** A check that takes longer than this is reported down ("timed out"), so `/readyz` never hangs. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

/**
 * Pure (no Nest, no I/O): runs `check` under `timeoutMs`; a throw or a timeout becomes `down` with a
 * message instead of a 500 or a hanging probe.
 */
export async function boundedCheck(
  check: ReadinessCheck,
  session: ReadinessSession,
  timeoutMs: number,
): Promise<HealthIndicatorResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HealthIndicatorResult>((resolve) => {
    timer = setTimeout(() => resolve(session.down({ message: `check timed out after ${timeoutMs} ms` })), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check(session)), timedOut]);
  } catch (error) {
    return session.down({ message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What `GET /readyz` checks. Feature modules register their own indicator (config, redis,
 * partitions…) at start; the runtime registers `consul` in distributed mode. One check per key.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly indicators: HealthIndicatorService) {}

  register(key: string, check: ReadinessCheck): void {
    if (this.checks.has(key)) throw new Error(`readiness check "${key}" is registered twice`);
    this.checks.set(key, check);
  }

  keys(): string[] {
    return [...this.checks.keys()];
  }

  /** The registered checks as terminus indicator functions, each bounded by `timeoutMs`. */
  indicatorFunctions(timeoutMs = READINESS_CHECK_TIMEOUT_MS): HealthIndicatorFunction[] {
    return [...this.checks].map(
      ([key, check]) =>
        () =>
          boundedCheck(check, this.indicators.check(key), timeoutMs),
    );
  }
}
