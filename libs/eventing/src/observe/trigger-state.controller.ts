import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { getProject, getTrigger } from '@spaceport/config-model';
import { createEventIdGenerator } from '@spaceport/eventing-core';
import { EventPublisher, type PublishedEvent } from '../common/event-publisher';
import { badRequest, httpError } from '../common/http-errors';
import { type DisabledReason, DisabledTriggers } from '../common/disabled-triggers';
import { HeldDeliveries } from './held-deliveries';
import { ObserveAccess } from './observe-access';
import { guarded } from './observe.service';
import { testEventFor } from './trigger-test';

export interface TriggerStateView {
  trigger: string;
  /** `enabled` in the config */
  configEnabled: boolean;
  /** set when the data plane stopped delivering to it (410 or a run of failures); cleared by `enable` */
  disabled: DisabledReason | null;
}

/**
 * Data-plane state of a project's triggers: which ones the workers disabled (a 410 from the receiver,
 * or EVENTING_DISABLE_AFTER_FAILURES final failures in a row) and why, and `enable` to resume one
 * after the receiver is fixed. A project token or the admin token, like the rest of the observe API (`ObserveAccess`).
 */
@Controller('v1/api/:project/eventing/triggers')
export class TriggerStateController {
  private readonly nextEventId = createEventIdGenerator();

  constructor(
    private readonly access: ObserveAccess,
    private readonly disabledTriggers: DisabledTriggers,
    private readonly held: HeldDeliveries,
    private readonly publisher: EventPublisher,
  ) {}

  /** `GET …/triggers` → every trigger in the config with its data-plane state. */
  @Get()
  async list(
    @Param('project') project: string,
    @Headers('authorization') auth: string | undefined,
  ): Promise<{ triggers: TriggerStateView[] }> {
    const { snapshot } = this.access.authorize(project, auth, 'read');
    const triggers = getProject(snapshot, project)?.triggers ?? {};
    const disabled = await this.disabledTriggers.ofProject(project);
    const views = Object.values(triggers)
      .map(({ value }) => ({ trigger: value.id, configEnabled: value.enabled, disabled: disabled[value.id] ?? null }))
      .sort((a, b) => (a.trigger < b.trigger ? -1 : a.trigger > b.trigger ? 1 : 0));
    return { triggers: views };
  }

  /**
   * `POST …/triggers/:trigger/enable` → clears a data-plane disable, then re-queues the deliveries the
   * trigger held meanwhile (`released`); new deliveries go out at once. Releases even when the trigger
   * was not disabled, so a retried enable finishes a release that was cut short.
   */
  @Post(':trigger/enable')
  @HttpCode(200)
  async enable(
    @Param('project') project: string,
    @Param('trigger') trigger: string,
    @Headers('authorization') auth: string | undefined,
  ): Promise<TriggerStateView & { wasDisabled: boolean; released: number }> {
    const { snapshot } = this.access.authorize(project, auth, 'write');
    const configured = getTrigger(snapshot, project, trigger);
    if (!configured)
      throw httpError(
        HttpStatus.NOT_FOUND,
        'Not Found',
        `trigger ${JSON.stringify(trigger)} does not exist in project ${JSON.stringify(project)}`,
      );
    return guarded(async () => {
      const before = (await this.disabledTriggers.ofProject(project))[trigger];
      const released = await this.held.enable(project, trigger);
      const configEnabled = configured.value.enabled;
      return { trigger, configEnabled, disabled: null, wasDisabled: before !== undefined, released };
    });
  }

  /**
   * `POST …/triggers/:trigger/test` `{payload?}` → queues a test event of the trigger's type for this
   * trigger only (its filter and options aside): 202 `{eventId, partition, deliveries}`; the event and
   * its invocation show in the event log like any other. 409 when the trigger is disabled in the config.
   */
  @Post(':trigger/test')
  @HttpCode(202)
  async test(
    @Param('project') project: string,
    @Param('trigger') trigger: string,
    @Headers('authorization') auth: string | undefined,
    @Body() body: unknown,
  ): Promise<PublishedEvent> {
    const { snapshot } = this.access.authorize(project, auth, 'write');
    const now = Date.now();
    const test = testEventFor(snapshot, project, trigger, body);
    if (!test.ok) {
      if (test.issues) throw badRequest(test.issues);
      const error = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' }[test.status];
      throw httpError(test.status, error, test.message);
    }
    return guarded(() => this.publisher.publish(test.snapshot, project, test.event, this.nextEventId(), now));
  }
}
