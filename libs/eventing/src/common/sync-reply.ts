import { type JsonValue } from '@spaceport/eventing-core';

/**
 * What a worker publishes on a gateway's sync-reply channel after a 2xx answer to a delivery of a
 * synchronous event: the event, the trigger and the answer's `response` (absent when it had none).
 */
export interface SyncReply {
  readonly eventId: string;
  readonly trigger: string;
  readonly response?: JsonValue;
}

/** The channel message of `reply` (JSON). */
export function syncReplyMessage(reply: SyncReply): string {
  return JSON.stringify(reply);
}

/** A channel message as a SyncReply; undefined for anything else. */
export function parseSyncReply(message: string): SyncReply | undefined {
  try {
    const value = JSON.parse(message) as Partial<SyncReply> | null;
    if (typeof value?.eventId !== 'string' || typeof value.trigger !== 'string') return undefined;
    return value.response === undefined
      ? { eventId: value.eventId, trigger: value.trigger }
      : { eventId: value.eventId, trigger: value.trigger, response: value.response };
  } catch {
    return undefined;
  }
}
