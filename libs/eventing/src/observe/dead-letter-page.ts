import { Injectable } from '@nestjs/common';
import { type DeadLetter, DeadLetters } from '../common/dead-letters';
import { badRequest } from '../common/http-errors';
import { pageLimit, triggerParam } from './query-params';

/** One DLQ entry as the API shows it: ids, reason and status, not the payload (read the event for it). */
export interface DeadLetterView {
  /** stream entry id, also the paging cursor */
  readonly id: string;
  readonly eventId: string;
  readonly deliveryId: string;
  readonly trigger: string;
  readonly type: string;
  readonly reason: string;
  readonly statusCode: number | null;
  readonly at: string;
}

export interface DeadLetterPage {
  readonly entries: DeadLetterView[];
  /** pass as `cursor` for the entries after these; null at the end */
  readonly next: string | null;
}

export interface DeadLetterQuery {
  readonly sinceMs?: number;
  readonly trigger?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

/** Entries read per round trip, and at most per request (a filter that matches little stops there). */
const READ_PAGE = 500;
const MAX_SCANNED = 5_000;

/** Pure: what the API shows of a dead letter. */
export function deadLetterView(letter: DeadLetter): DeadLetterView {
  const { job } = letter;
  return {
    id: letter.id,
    eventId: job.eventId,
    deliveryId: job.deliveryId,
    trigger: job.triggerId,
    type: job.type,
    reason: letter.reason,
    statusCode: letter.statusCode,
    at: letter.at,
  };
}

/** Pure: the query's limit, trigger and cursor, validated (400 naming the parameter). */
export function parseDeadLetterQuery(query: DeadLetterQuery): { limit: number; trigger?: string; cursor?: string } {
  const limit = pageLimit(query.limit);
  const trigger = triggerParam(query.trigger);
  if (query.cursor !== undefined && !/^\d+-\d+$/.test(query.cursor))
    throw badRequest([{ field: 'cursor', message: 'must be a `next` value of a previous page' }]);
  return {
    limit,
    ...(trigger === undefined ? {} : { trigger }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  };
}

/** `GET /v1/api/:project/eventing/dlq`: the DLQ oldest first, filtered by time and trigger, in pages. */
@Injectable()
export class DeadLetterPages {
  constructor(private readonly deadLetters: DeadLetters) {}

  async page(project: string, query: DeadLetterQuery): Promise<DeadLetterPage> {
    const { limit, trigger, cursor } = parseDeadLetterQuery(query);
    const entries: DeadLetterView[] = [];
    let start = cursor === undefined ? String(query.sinceMs ?? 0) : `(${cursor}`;
    for (let scanned = 0; scanned < MAX_SCANNED; scanned += READ_PAGE) {
      const page = await this.deadLetters.range(project, start, '+', READ_PAGE);
      for (const letter of page) {
        if (trigger === undefined || letter.job.triggerId === trigger) entries.push(deadLetterView(letter));
        if (entries.length === limit) return { entries, next: letter.id };
      }
      const last = page.at(-1);
      if (page.length < READ_PAGE || !last) return { entries, next: null };
      start = `(${last.id}`;
    }
    // bounded work per request: the client goes on from where the scan stopped
    return { entries, next: start.slice(1) };
  }
}
