import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type EventingSettings } from '@spaceport/config-model';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Claim, type DeliveryLedger } from '@spaceport/delivery-ledger';
import { EventingMetrics } from '../common/eventing-metrics';
import { type DeliveryJobData } from '../common/delivery-job';
import { type Invocation } from '../common/event-record';
import { EventLog } from '../common/event-log';
import { ReplicaWait } from '../common/replica-wait';
import { type EventingEnv } from '../common/settings';
import { EVENTING_ENV } from '../common/tokens';
import { type EffectiveTarget } from '../common/target-lookup';
import { webhookRequestOf } from './delivery-target';
import { FailureRuns } from './failure-runs';
import { type AttemptVerdict, verdictOf } from './retry';
import { sentRecordRetentionMs } from './sent-retention';
import { ssrfPolicy } from '@spaceport/eventing-core';
import { parseWebhookAnswer, WebhookAnswers } from './webhook-answer';
import { type AttemptOutcome, WebhookSender } from './webhook-sender';

export type RunVerdict = AttemptVerdict & { readonly statusCode: number | null };

/**
 * One claimed attempt: send, then in one script record the send (2xx) or release the claim, append
 * the invocation and set the delivery status (the ledger's part first), so a delivery is never shown
 * processed before it is recorded as sent.
 */
@Injectable()
export class AttemptRunner implements OnApplicationShutdown {
  readonly sender: WebhookSender;
  private readonly sentRetentionMs: number;

  constructor(
    @Inject(EVENTING_ENV) env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    private readonly log: EventLog,
    private readonly failureRuns: FailureRuns,
    private readonly metrics: EventingMetrics,
    private readonly replicas: ReplicaWait,
    private readonly answers: WebhookAnswers,
  ) {
    this.sender = new WebhookSender(ssrfPolicy(env), env.maxResponseBytes);
    this.sentRetentionMs = env.sentRetentionMs;
  }

  async run(
    ledger: DeliveryLedger,
    claim: Claim,
    job: DeliveryJobData,
    target: EffectiveTarget,
    attempt: number,
    retention: EventingSettings['retention'],
  ): Promise<RunVerdict> {
    if (!ledger.maySend(claim)) {
      await ledger.releaseClaim(claim.deliveryId, claim.partition, claim.token);
      return { kind: 'retry', delayMs: 0, statusCode: null };
    }
    const startedAt = Date.now();
    // A first attempt goes straight from staged to its outcome (one write fewer per delivery);
    // a retry shows `processing` while it runs (a failed first attempt already wrote it).
    const processing =
      attempt > 1
        ? this.log
            .setStatus(job.project, job.partition, job.eventId, job.triggerId, 'processing')
            .catch(() => undefined)
        : undefined;
    const outcome = await this.sender.send(webhookRequestOf(job, target.project, target.trigger, startedAt));
    // Object.assign, not `{ ...outcome, attempt }` (a slow path in Node 20's V8, commit f62550b)
    const verdict = verdictOf(Object.assign({ attempt }, outcome), target.trigger, Date.now(), Math.random);
    this.metrics.attemptEnded(job, verdict.kind, outcome.latencyMs);
    const statusCode = outcome.statusCode ?? null;
    await processing;
    const success = verdict.kind === 'success';
    // the answer's follow-ups are queued before the send is recorded (a re-run after a crash queues them,
    // idempotently); a synchronous caller hears of it after
    const answer = success ? parseWebhookAnswer(outcome.answer ?? outcome.response) : undefined;
    if (answer) await this.answers.queueFollowUps(job, answer);
    const sentRetentionMs = sentRecordRetentionMs(this.sentRetentionMs, job, target.project.settings.idempotencyTtlMs);
    await this.finish(
      ledger,
      claim,
      job,
      success,
      invocationOf(job, attempt, startedAt, outcome),
      retention,
      sentRetentionMs,
    );
    if (answer) await this.answers.reply(job, answer);
    return Object.assign({ statusCode }, verdict);
  }

  /**
   * recordSent (2xx; the record kept `sentRetentionMs`) or releaseClaim with the attempt's log write in the
   * same script (EventLog.attemptLog), and after a 2xx the end of the trigger's failure run when auto-disable
   * is on: issued in one tick on the write-coalescing command client, so they leave in one write and cost
   * one round trip.
   */
  private async finish(
    ledger: DeliveryLedger,
    claim: Claim,
    job: DeliveryJobData,
    success: boolean,
    invocation: Invocation,
    retention: EventingSettings['retention'],
    sentRetentionMs: number,
  ): Promise<void> {
    const attemptLog = this.log.attemptLog(
      job.project,
      job.partition,
      job.eventId,
      invocation,
      success ? 'processed' : 'processing',
      retention,
    );
    if (!success) {
      await ledger.releaseClaim(claim.deliveryId, claim.partition, claim.token, attemptLog);
      return;
    }
    const meta = {
      workerId: this.node.nodeId,
      statusCode: invocation.statusCode ?? 0,
      attempt: invocation.attempt,
      retentionMs: sentRetentionMs,
    };
    await Promise.all([
      ledger.recordSent(claim.deliveryId, claim.partition, claim.token, claim.epoch, meta, attemptLog),
      // best effort: a lost reset only makes a later auto-disable come early, it must not fail a sent delivery
      this.failureRuns.reset(job.project, job.triggerId).catch(() => undefined),
    ]);
    // REDIS_WAIT_REPLICAS: the sent record on the replicas too, so a failover does not make it unsent;
    // a shortfall is counted and logged, the delivery goes on
    await this.replicas.sentRecord(claim.partition, claim.deliveryId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}

function invocationOf(job: DeliveryJobData, attempt: number, startedAt: number, outcome: AttemptOutcome): Invocation {
  return {
    trigger: job.triggerId,
    deliveryId: job.deliveryId,
    attempt,
    at: new Date(startedAt).toISOString(),
    statusCode: outcome.statusCode ?? null,
    latencyMs: outcome.latencyMs,
    response: outcome.response,
    error: outcome.error ?? null,
  };
}
