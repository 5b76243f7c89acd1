import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_METRICS } from '@spaceport/app-runtime';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type DeliveryJobData } from './delivery-job';

/** How one HTTP attempt ended, as `spaceport_deliveries_total{outcome}` counts it. */
export type DeliveryOutcome = 'delivered' | 'retried' | 'failed';

/**
 * Why a delivery job ended without an HTTP attempt, as `spaceport_deliveries_not_sent_total{reason}` counts
 * it: its project or trigger deleted, or the trigger disabled in config (each to the DLQ), held (parked in
 * the DLQ while the data plane disables the trigger), or already sent (the ledger had the send recorded).
 */
export type NotSentReason = 'project-deleted' | 'trigger-deleted' | 'trigger-disabled' | 'held' | 'already-sent';

/** The attempt verdicts of `verdictOf` (delivery/retry.ts) → outcome label. */
const OUTCOME_OF = { success: 'delivered', retry: 'retried', fail: 'failed' } as const satisfies Record<
  string,
  DeliveryOutcome
>;

/** HTTP attempt duration buckets (s): a receiver answers in ms to the trigger timeout (default 5 s, at most 60 s). */
export const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Event accepted → delivered buckets (s): from the fast path to retries spread over hours. */
export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600];

interface TriggerSeries {
  readonly attemptSeconds: ReturnType<Histogram<'project' | 'trigger'>['labels']>;
  readonly latencySeconds: ReturnType<Histogram<'project' | 'trigger'>['labels']>;
  readonly success: ReturnType<Counter<'project' | 'trigger' | 'outcome'>['labels']>;
  readonly retry: ReturnType<Counter<'project' | 'trigger' | 'outcome'>['labels']>;
  readonly fail: ReturnType<Counter<'project' | 'trigger' | 'outcome'>['labels']>;
}

/**
 * The data plane's counters and histograms. Labels only from config-bounded sets (project and
 * trigger ids) — never event types, URLs or secrets. Recording is in-memory (no I/O): one call where
 * the outcome is known, on the ingest and delivery paths.
 */
@Injectable()
export class EventingMetrics {
  private readonly queued: Counter<'project'>;
  private readonly deliveries: Counter<'project' | 'trigger' | 'outcome'>;
  private readonly notSent: Counter<'project' | 'trigger' | 'reason'>;
  private readonly droppedDeadLetters: Counter<'project'>;
  private readonly waitShortfalls: Counter<'write'>;
  private readonly syncPending: Gauge;
  private readonly syncRefused: Counter;
  private readonly attemptSeconds: Histogram<'project' | 'trigger'>;
  private readonly latencySeconds: Histogram<'project' | 'trigger'>;
  /** bounded like the labels: one entry per configured (project, trigger) that saw an attempt */
  private readonly series = new Map<string, TriggerSeries>();

  constructor(@Inject(SPACEPORT_METRICS) registry: Registry) {
    const registers = [registry];
    this.queued = new Counter({
      name: 'spaceport_events_queued_total',
      help: 'Events accepted by the queue API (idempotent replays not counted)',
      labelNames: ['project'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'spaceport_deliveries_total',
      help: 'Ended HTTP delivery attempts by outcome: delivered (2xx), retried (will be retried), failed (final: to the DLQ)',
      labelNames: ['project', 'trigger', 'outcome'],
      registers,
    });
    this.notSent = new Counter({
      name: 'spaceport_deliveries_not_sent_total',
      help: 'Delivery jobs that ended without an HTTP attempt: project-deleted, trigger-deleted, trigger-disabled (in config; each to the DLQ), held (parked in the DLQ while the data plane disables the trigger), already-sent (the ledger had the send recorded: a redelivered or re-run job)',
      labelNames: ['project', 'trigger', 'reason'],
      registers,
    });
    this.droppedDeadLetters = new Counter({
      name: 'spaceport_dead_letters_dropped_total',
      help: 'Oldest DLQ entries dropped because the DLQ of the project reached EVENTING_DLQ_MAX_ENTRIES',
      labelNames: ['project'],
      registers,
    });
    this.waitShortfalls = new Counter({
      name: 'spaceport_redis_wait_shortfalls_total',
      help: 'Writes that fewer than REDIS_WAIT_REPLICAS replicas acknowledged within REDIS_WAIT_TIMEOUT_MS (or whose WAIT failed): event (the gateway answered 503), sent-record (delivery went on)',
      labelNames: ['write'],
      registers,
    });
    this.syncPending = new Gauge({
      name: 'spaceport_sync_calls_pending',
      help: 'isSynchronous calls this gateway holds now (at most EVENTING_SYNC_MAX_PENDING)',
      registers,
    });
    this.syncRefused = new Counter({
      name: 'spaceport_sync_calls_refused_total',
      help: 'isSynchronous calls refused with 503 because this gateway held EVENTING_SYNC_MAX_PENDING calls',
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: 'spaceport_delivery_attempt_duration_seconds',
      help: 'Duration of one HTTP delivery attempt',
      labelNames: ['project', 'trigger'],
      buckets: ATTEMPT_BUCKETS,
      registers,
    });
    this.latencySeconds = new Histogram({
      name: 'spaceport_delivery_latency_seconds',
      help: 'Event accepted by the gateway → delivered (2xx), retries and delays included',
      labelNames: ['project', 'trigger'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  /** `count` events of `project` accepted (queue API). */
  eventsQueued(project: string, count: number): void {
    this.queued.inc({ project }, count);
  }

  /** One HTTP attempt of `job` ended with `verdict` after `attemptMs`; `now` for the end-to-end latency. */
  attemptEnded(
    job: Pick<DeliveryJobData, 'project' | 'triggerId' | 'time'>,
    verdict: keyof typeof OUTCOME_OF,
    attemptMs: number,
    now = Date.now(),
  ): void {
    const series = this.seriesOf(job.project, job.triggerId);
    series.attemptSeconds.observe(attemptMs / 1_000);
    series[verdict].inc();
    if (verdict === 'success') {
      const acceptedAt = Date.parse(job.time);
      if (Number.isFinite(acceptedAt)) series.latencySeconds.observe(Math.max(0, now - acceptedAt) / 1_000);
    }
  }

  /** A delivery job of `job`'s trigger ended without sending (rare: labels hashed per call). */
  deliveryNotSent(job: Pick<DeliveryJobData, 'project' | 'triggerId'>, reason: NotSentReason): void {
    this.notSent.inc({ project: job.project, trigger: job.triggerId, reason });
  }

  /** The cap of `project`'s DLQ made room by dropping its `count` oldest entries. */
  deadLettersDropped(project: string, count: number): void {
    this.droppedDeadLetters.inc({ project }, count);
  }

  /** A WAIT after a write of `write` found fewer replicas than REDIS_WAIT_REPLICAS (or failed). */
  redisWaitShortfall(write: 'event' | 'sent-record'): void {
    this.waitShortfalls.inc({ write });
  }

  /** This gateway holds `held` synchronous calls now. */
  syncCallsPending(held: number): void {
    this.syncPending.set(held);
  }

  /** A synchronous call was refused: the gateway held EVENTING_SYNC_MAX_PENDING calls. */
  syncCallRefused(): void {
    this.syncRefused.inc();
  }

  /** The labelled children of one trigger, bound once (labels are hashed per call otherwise). */
  private seriesOf(project: string, trigger: string): TriggerSeries {
    const key = `${project}\u0000${trigger}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        attemptSeconds: this.attemptSeconds.labels(project, trigger),
        latencySeconds: this.latencySeconds.labels(project, trigger),
        success: this.deliveries.labels(project, trigger, OUTCOME_OF.success),
        retry: this.deliveries.labels(project, trigger, OUTCOME_OF.retry),
        fail: this.deliveries.labels(project, trigger, OUTCOME_OF.fail),
      };
      this.series.set(key, series);
    }
    return series;
  }
}
