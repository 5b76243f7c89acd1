import { Injectable } from '@nestjs/common';
import { type DeadLetter, DeadLetters } from '../common/dead-letters';
import { EventLog } from '../common/event-log';
import { EventPublisher } from '../common/event-publisher';

/** Which dead letters a redrive takes. */
export interface RedriveFilter {
  /** only entries added at or after this time (Unix ms) */
  readonly sinceMs?: number;
  /** only deliveries to this trigger */
  readonly trigger?: string;
  /** only entries whose reason starts with this (`held: ` for the deliveries held by a data-plane disable) */
  readonly reasonPrefix?: string;
}

/** Whether a redrive with `filter` takes `letter` (`sinceMs` is applied by the stream range, not here). */
export function matchesRedriveFilter(letter: Pick<DeadLetter, 'job' | 'reason'>, filter: RedriveFilter): boolean {
  if (filter.trigger !== undefined && letter.job.triggerId !== filter.trigger) return false;
  return filter.reasonPrefix === undefined || letter.reason.startsWith(filter.reasonPrefix);
}

/** Dead letters read per round trip. */
const REDRIVE_PAGE = 500;

/**
 * Moves dead letters back to their partition queues (`POST …/dlq/redrive`, and the release of held
 * deliveries when a trigger is enabled).
 */
@Injectable()
export class DeadLetterRedrive {
  constructor(
    private readonly log: EventLog,
    private readonly publisher: EventPublisher,
    private readonly deadLetters: DeadLetters,
  ) {}

  /**
   * Re-queues the dead letters of `project` that match `filter` with their original delivery ids (a job
   * id suffix makes each a new job), then drops them from the DLQ; returns how many. One pass, from
   * `sinceMs` up to the newest entry when it starts: entries added meanwhile (a redriven delivery that
   * fails again, a held one parked again) wait for the next redrive, so a redrive always ends. A page is
   * queued before its entries are removed, so a crash in between leaves them in the DLQ for a later
   * redrive, which queues them again: the ledger then completes a delivery already sent without sending.
   */
  async redrive(project: string, filter: RedriveFilter = {}): Promise<number> {
    const end = await this.deadLetters.lastId(project);
    if (end === null) return 0;
    let start = String(filter.sinceMs ?? 0);
    let redriven = 0;
    for (;;) {
      const page = await this.deadLetters.range(project, start, end, REDRIVE_PAGE);
      const last = page.at(-1);
      if (!last) return redriven;
      redriven += await this.requeue(
        project,
        page.filter((letter) => matchesRedriveFilter(letter, filter)),
      );
      start = `(${last.id}`;
    }
  }

  private async requeue(project: string, letters: readonly DeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    await Promise.all(
      letters.map((letter) =>
        this.log.setStatus(project, letter.job.partition, letter.job.eventId, letter.job.triggerId, 'staged', true),
      ),
    );
    await this.publisher.enqueue(
      letters.map((letter) => letter.job),
      0,
      `-redrive-${Date.now()}`,
    );
    await this.deadLetters.remove(
      project,
      letters.map((letter) => letter.id),
    );
    return letters.length;
  }
}
