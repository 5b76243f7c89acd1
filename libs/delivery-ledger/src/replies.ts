/** Decoding of the raw Lua replies (scripts.ts) into typed results. Pure: unit-tested without Redis. */
import type {
  BumpResult,
  ClaimHolder,
  ClaimResult,
  ClaimStateAtRecord,
  RecordResult,
  ReleaseResult,
  SentRecord,
} from './types';

export class LedgerReplyError extends Error {
  constructor(what: string, reply: unknown) {
    super(`unexpected ${what} reply from the ledger script: ${JSON.stringify(reply)}`);
    this.name = 'LedgerReplyError';
  }
}

function stringsOf(what: string, reply: unknown): string[] {
  if (!Array.isArray(reply) || reply.length === 0 || !reply.every((item): item is string => typeof item === 'string')) {
    throw new LedgerReplyError(what, reply);
  }
  return reply;
}

function integerOf(what: string, text: string | undefined, reply: unknown): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isSafeInteger(value)) throw new LedgerReplyError(what, reply);
  return value;
}

function optionalIntegerOf(what: string, text: string | undefined, reply: unknown): number | null {
  return text === '' ? null : integerOf(what, text, reply);
}

export function parseBumpReply(reply: unknown, requested: number): BumpResult {
  const [status, value] = stringsOf('bumpEpoch', reply);
  if (status === 'bumped') return { status, epoch: requested, previous: optionalIntegerOf('bumpEpoch', value, reply) };
  if (status === 'unchanged') return { status, epoch: integerOf('bumpEpoch', value, reply) };
  if (status === 'stale') return { status, requested, current: integerOf('bumpEpoch', value, reply) };
  throw new LedgerReplyError('bumpEpoch', reply);
}

/** What the claim script said, before the caller's claim details are attached. */
export type ClaimReply =
  { readonly status: 'claimed'; readonly ttlMs: number } | Exclude<ClaimResult, { status: 'claimed' }>;

export function parseClaimReply(reply: unknown, workerEpoch: number): ClaimReply {
  const [status, first, second, third] = stringsOf('claim', reply);
  switch (status) {
    case 'claimed':
      return { status, ttlMs: integerOf('claim', first, reply) };
    case 'already-sent':
      return { status, sentBy: first ?? '', sentEpoch: integerOf('claim', second, reply) };
    case 'fenced':
      return { status, workerEpoch, currentEpoch: optionalIntegerOf('claim', first, reply) };
    case 'in-flight-elsewhere': {
      const holder: ClaimHolder = {
        workerId: first ?? '',
        epoch: integerOf('claim', second, reply),
        ttlMs: integerOf('claim', third, reply),
      };
      return { status, holder };
    }
    default:
      throw new LedgerReplyError('claim', reply);
  }
}

function claimStateOf(text: string | undefined, reply: unknown): ClaimStateAtRecord {
  if (text === 'held' || text === 'expired' || text === 'taken') return text;
  throw new LedgerReplyError('recordSent', reply);
}

export function parseRecordReply(reply: unknown): RecordResult {
  const [status, state, recordedBy, same] = stringsOf('recordSent', reply);
  const claimState = claimStateOf(state, reply);
  if (status === 'recorded') return { status, claimState };
  if (status === 'already-recorded' && recordedBy !== undefined && (same === '1' || same === '0')) {
    return { status, claimState, recordedBy, sameClaim: same === '1' };
  }
  throw new LedgerReplyError('recordSent', reply);
}

export function parseReleaseReply(reply: unknown): ReleaseResult {
  if (reply === 'released' || reply === 'not-held') return reply;
  throw new LedgerReplyError('releaseClaim', reply);
}

/** A sent record from HGETALL of its key, or null when the key is absent (`{}`). */
export function parseSentRecord(deliveryId: string, fields: Record<string, string>): SentRecord | null {
  if (Object.keys(fields).length === 0) return null;
  const { worker, epoch, status, attempt, at } = fields;
  if (worker === undefined) throw new LedgerReplyError('sent record', fields);
  return {
    deliveryId,
    workerId: worker,
    epoch: integerOf('sent record', epoch, fields),
    statusCode: integerOf('sent record', status, fields),
    attempt: attempt === undefined || attempt === '' ? null : integerOf('sent record', attempt, fields),
    recordedAt: integerOf('sent record', at, fields),
  };
}
