import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Logger } from 'pino';
import { HELD_REASON_PREFIX } from '../common/dead-letters';
import { DisabledTriggers } from '../common/disabled-triggers';
import { DeadLetterRedrive } from './dead-letter-redrive';

/**
 * The deliveries a trigger disabled by the data plane holds (docs/eventing.md "Held deliveries"): the
 * workers park them in the project's DLQ with a `held: …` reason, atomically with a check of the
 * disabled set (`DeadLetters.holdIfTriggerDisabled`); enabling the trigger releases them.
 */
@Injectable()
export class HeldDeliveries {
  constructor(
    private readonly disabled: DisabledTriggers,
    private readonly redrive: DeadLetterRedrive,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Clears the data plane's disable, then re-queues what the trigger held; returns how many. The order
   * is the point: once the trigger has left the disabled set no worker can park a delivery of it, so
   * the release that follows misses none. A release cut short (a crash, Redis away) leaves the rest in
   * the DLQ: the next enable of the trigger (it releases even when nothing is disabled) or a DLQ redrive
   * brings them back.
   */
  async enable(project: string, trigger: string): Promise<number> {
    await this.disabled.enable(project, trigger);
    const released = await this.release(project, trigger);
    this.logger.info({ project, trigger, released }, 'trigger enabled: its held deliveries were re-queued');
    return released;
  }

  /** Re-queues the trigger's held deliveries (its `held: …` dead letters). */
  release(project: string, trigger: string): Promise<number> {
    return this.redrive.redrive(project, { trigger, reasonPrefix: HELD_REASON_PREFIX });
  }
}
