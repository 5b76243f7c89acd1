import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type EventingSettings } from '@spaceport/config-model';
import { type NodeOptions } from '@spaceport/consul-core';
import { type Claim, type DeliveryLedger } from '@spaceport/delivery-ledger';
import { type DeliveryJobData } from '../shared/delivery-job';
import { EventLog } from '../shared/event-log';
import { type EventingEnv } from '../shared/settings';
import { EVENTING_ENV } from '../shared/tokens';
import { type EffectiveTarget, webhookRequestOf } from './delivery-target';
import { type AttemptVerdict, verdictOf } from './retry';
import { ssrfPolicy } from './ssrf';
import { WebhookSender } from './webhook-sender';

export type RunVerdict = AttemptVerdict & { readonly statusCode: number | null };

/** One claimed attempt: send, then record (2xx) or release, and write the invocation log. */
@Injectable()
export class AttemptRunner implements OnApplicationShutdown {
  readonly sender: WebhookSender;

  constructor(
    @Inject(EVENTING_ENV) env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    private readonly log: EventLog,
  ) {
    this.sender = new WebhookSender(ssrfPolicy(env), env.maxResponseBytes);
  }

  async run(
    ledger: DeliveryLedger, claim: Claim, job: DeliveryJobData, target: EffectiveTarget, attempt: number,
    retention: EventingSettings['retention'],
  ): Promise<RunVerdict> {
    if (!ledger.maySend(claim)) {
      await ledger.releaseClaim(claim.deliveryId, claim.token);
      return { kind: 'retry', delayMs: 0, statusCode: null };
    }
    const startedAt = Date.now();
    const processing = this.log.setStatus(job.project, job.eventId, job.triggerId, 'processing').catch(() => undefined);
    const outcome = await this.sender.send(webhookRequestOf(job, target.project, target.trigger, startedAt));
    const verdict = verdictOf({ ...outcome, attempt }, target.trigger, Date.now(), Math.random);
    const statusCode = outcome.statusCode ?? null;
    if (verdict.kind === 'success') {
      await ledger.recordSent(claim.deliveryId, claim.token, claim.epoch, { workerId: this.node.nodeId, statusCode: statusCode ?? 0, attempt });
    } else {
      await ledger.releaseClaim(claim.deliveryId, claim.token);
    }
    await processing;
    const invocation = {
      trigger: job.triggerId, deliveryId: job.deliveryId, attempt, at: new Date(startedAt).toISOString(),
      statusCode, latencyMs: outcome.latencyMs, response: outcome.response, error: outcome.error ?? null,
    };
    await Promise.all([
      this.log.addInvocation(job.project, job.eventId, invocation, retention),
      verdict.kind === 'success' ? this.log.setStatus(job.project, job.eventId, job.triggerId, 'processed') : undefined,
    ]);
    return { ...verdict, statusCode };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}
