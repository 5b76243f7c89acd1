import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { DeliveryLedger, ledgerKeyPrefix } from '@spaceport/delivery-ledger';
import { abortableSleep, type NodeOptions } from '@spaceport/runtime-core';
import { type Job, DelayedError } from 'bullmq';
import { type Logger } from 'pino';
import { EventingMetrics } from '../common/eventing-metrics';
import { ConfigAccess } from '../common/config-access';
import { DeadLetters } from '../common/dead-letters';
import { type DeliveryJobData } from '../common/delivery-job';
import { DisabledTriggers } from '../common/disabled-triggers';
import { EventLog } from '../common/event-log';
import { EVENTING_REDIS } from '../common/tokens';
import { DeadLetterEvents } from './dead-letter-events';
import { type EffectiveTarget, lookupTarget, NOT_SENT_REASON_OF, type UnsendableReason } from '../common/target-lookup';
import { AttemptRunner } from './attempt-runner';
import { FailureRuns } from './failure-runs';
import { RateLimiter } from './rate-limiter';
import { RetryLaterError } from './retry';

/** The HTTP timeout of the ledger that bumps partition epochs (it claims nothing, any valid value does). */
export const EPOCH_LEDGER_TIMEOUT_MS = 1_000;

/** Claim TTL = per-attempt timeout + ledger safety margin (1 s) + 1 s to start the request. */
export const CLAIM_SLACK_MS = 2_000;

/** Bound on the in-job waits of an ordered delivery for a rate window (then it is postponed). */
const MAX_ORDERED_RATE_WAITS = 10;

/** A DLQ reason carries at most this much of an unexpected error's message. */
const MAX_ERROR_REASON_LENGTH = 500;

export interface PartitionLease {
  readonly partition: number;
  readonly epoch: number;
  /** aborted when the partition is being stopped (ends an ordered retry wait) */
  readonly signal: AbortSignal;
  /** a claim found the partition's epoch in Redis other than `epoch` (`null`: no epoch at all) */
  readonly onFenced: (currentEpoch: number | null) => void;
}

/** Postpones a job without spending an attempt (BullMQ DelayedError protocol). */
async function postpone(job: Job<DeliveryJobData>, token: string | undefined, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/**
 * One delivery job (docs/architecture.md#once-only-delivery): look up the trigger, claim in the ledger under
 * the partition epoch, send while `maySend`, record after a 2xx, release after a failure, then retry
 * (RetryLaterError → BullMQ backoff) or fail to the DLQ.
 */
@Injectable()
export class DeliveryProcessor {
  private readonly ledgers = new Map<number, DeliveryLedger>();

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly config: ConfigAccess,
    private readonly log: EventLog,
    private readonly disabled: DisabledTriggers,
    private readonly deadLetters: DeadLetters,
    private readonly dlqEvents: DeadLetterEvents,
    private readonly attempts: AttemptRunner,
    private readonly limiter: RateLimiter,
    private readonly failureRuns: FailureRuns,
    private readonly metrics: EventingMetrics,
  ) {}

  /** One ledger per HTTP timeout (the ledger validates claim TTLs against it). */
  ledgerFor(timeoutMs: number): DeliveryLedger {
    let ledger = this.ledgers.get(timeoutMs);
    if (!ledger) {
      ledger = new DeliveryLedger(this.redis, {
        keyPrefix: ledgerKeyPrefix(this.node.clusterId),
        httpTimeoutMs: timeoutMs,
      });
      this.ledgers.set(timeoutMs, ledger);
    }
    return ledger;
  }

  async process(job: Job<DeliveryJobData>, token: string | undefined, lease: PartitionLease): Promise<string> {
    const data = job.data;
    const snapshot = this.config.current();
    if (!snapshot) return postpone(job, token, 1_000);
    const target = lookupTarget(snapshot, data);
    // the cached set spares a Redis call per delivery; the hold itself checks the set again, atomically
    if (target.kind === 'cancelled' || (await this.disabled.isDisabled(data.project, data.triggerId))) {
      if (await this.completedAsSent(data)) return 'already sent';
      if (target.kind === 'cancelled') return this.deadLetterUnsendable(data, target.reason);
      if (await this.hold(data)) return 'held';
    }
    for (let attempt = job.attemptsMade + 1; ; attempt += 1) {
      await this.admit(job, token, target, lease);
      const ledger = this.ledgerFor(target.trigger.timeout);
      const claimed = await ledger.claim(
        data.deliveryId,
        lease.partition,
        lease.epoch,
        this.node.nodeId,
        target.trigger.timeout + CLAIM_SLACK_MS,
      );
      if (claimed.status === 'already-sent') {
        await this.log.setStatus(data.project, data.partition, data.eventId, data.triggerId, 'processed');
        this.metrics.deliveryNotSent(data, 'already-sent');
        return 'already sent';
      }
      if (claimed.status === 'fenced') {
        lease.onFenced(claimed.currentEpoch);
        return postpone(job, token, 1_000);
      }
      if (claimed.status === 'in-flight-elsewhere') return postpone(job, token, claimed.holder.ttlMs + 100);
      const verdict = await this.attempts.run(
        ledger,
        claimed.claim,
        data,
        target,
        attempt,
        snapshot.eventing.value.retention,
      );
      if (verdict.kind === 'success') return 'sent';
      if (verdict.kind === 'retry') {
        if (!data.ordered)
          throw new RetryLaterError(verdict.delayMs, `attempt ${attempt} failed; retrying in ${verdict.delayMs} ms`);
        if (!(await sleepUnlessAborted(verdict.delayMs, lease.signal)))
          throw new RetryLaterError(0, 'partition stopping');
        continue;
      }
      await this.fail(data, verdict.reason, verdict.statusCode);
      return `failed: ${verdict.reason}`;
    }
  }

  /**
   * Waits for the trigger's rate window (docs/eventing.md "Rate limit"). Over the limit, a job is
   * postponed to the next window (DelayedError: no attempt spent, retries untouched); an ordered job
   * waits in place instead, so it keeps its partition's order, unless the partition is stopping.
   */
  private async admit(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    target: EffectiveTarget,
    lease: PartitionLease,
  ): Promise<void> {
    const perSecond = target.trigger.rateLimit;
    if (perSecond === undefined) return;
    for (let waits = 0; waits < MAX_ORDERED_RATE_WAITS; waits += 1) {
      const delayMs = await this.limiter.delayFor(job.data.project, job.data.triggerId, perSecond);
      if (delayMs === 0) return;
      if (!job.data.ordered || !(await sleepUnlessAborted(delayMs, lease.signal))) return postpone(job, token, delayMs);
    }
    return postpone(job, token, 1_000);
  }

  /**
   * The current config has no target for the delivery (project or trigger deleted, trigger disabled in
   * config): it ends `cancelled`, and in the DLQ with the reason so that it can be redriven once the
   * config has it again. Not a receiver failure: no dlq event, no failure run.
   */
  private async deadLetterUnsendable(job: DeliveryJobData, reason: UnsendableReason): Promise<string> {
    await this.deadLetters.add(job, reason, null);
    await this.log.setStatus(job.project, job.partition, job.eventId, job.triggerId, 'cancelled');
    this.metrics.deliveryNotSent(job, NOT_SENT_REASON_OF[reason]);
    return reason;
  }

  /**
   * True, with the delivery marked processed, when its send was recorded already: a job run again after
   * the record (its worker died before completing it) must not go to the DLQ, whose redrive or release may
   * come back after the sent record's retention and send it twice. Only on the way to the DLQ (a
   * delivery sent normally finds its record in the claim).
   */
  private async completedAsSent(job: DeliveryJobData): Promise<boolean> {
    if (!(await this.ledgerFor(EPOCH_LEDGER_TIMEOUT_MS).isSent(job.deliveryId, job.partition))) return false;
    await this.log.setStatus(job.project, job.partition, job.eventId, job.triggerId, 'processed');
    this.metrics.deliveryNotSent(job, 'already-sent');
    return true;
  }

  /**
   * Parks the delivery in the DLQ as held while the data plane disables its trigger (docs/eventing.md
   * "Held deliveries"); its status stays pending. False: the trigger was enabled meanwhile, deliver it.
   */
  private async hold(job: DeliveryJobData): Promise<boolean> {
    if (!(await this.deadLetters.holdIfTriggerDisabled(job))) return false;
    this.metrics.deliveryNotSent(job, 'held');
    return true;
  }

  /**
   * A job whose BullMQ attempts ran out on errors the processor did not decide (a bug, Redis failing
   * mid-job, every attempt): it ends in the DLQ with the error, like any final failure, so it can be
   * redriven, instead of only in BullMQ's failed set.
   */
  async failExhausted(job: DeliveryJobData, error: Error): Promise<void> {
    await this.fail(job, `error: ${error.message}`.slice(0, MAX_ERROR_REASON_LENGTH), null);
  }

  private async fail(job: DeliveryJobData, reason: string, statusCode: number | null): Promise<void> {
    const at = new Date().toISOString();
    if (reason === 'gone') {
      await this.disabled.disable(job.project, job.triggerId, { reason: 'gone', at, statusCode });
      this.logger.warn(
        { project: job.project, trigger: job.triggerId },
        'trigger disabled: the receiver answered 410 Gone',
      );
    } else if (await this.failureRuns.recordFailure(job.project, job.triggerId)) {
      await this.disabled.disable(job.project, job.triggerId, { reason: 'failures', at, statusCode });
      await this.failureRuns.reset(job.project, job.triggerId);
      this.logger.warn(
        { project: job.project, trigger: job.triggerId },
        'trigger disabled: too many final failures in a row',
      );
    }
    await this.log.setStatus(job.project, job.partition, job.eventId, job.triggerId, 'failed');
    await this.deadLetters.add(job, reason, statusCode);
    await this.dlqEvents.emit(job, reason, statusCode).catch((error: unknown) => {
      this.logger.warn({ err: error, project: job.project, trigger: job.triggerId }, 'could not queue the dlq event');
    });
  }
}

/** Resolves true after `ms`, or false at once when `signal` aborts. */
async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  await abortableSleep(ms, signal);
  return !signal.aborted;
}
