import { type JsonValue } from '@spaceport/eventing-core';

/** One validated queue body (the queue API parses it), as fan-out and the publisher take it. */
export interface QueuedEvent {
  readonly type: string;
  readonly payload: JsonValue;
  readonly options: Record<string, JsonValue> | undefined;
  readonly partitionKey: string | undefined;
  /** Unix ms before which no delivery is attempted (0 = now) */
  readonly notBefore: number;
  /** the event's time (the queued `timestamp`), Unix ms; absent: the time it was accepted */
  readonly time?: number;
  /** `isSynchronous`: the caller waits for the webhook's answer (ingest/sync-replies.ts) */
  readonly synchronous?: boolean;
  /** canonical JSON of the payload (what the event log keeps) */
  readonly payloadJson: string;
  /** size of payloadJson, bytes */
  readonly payloadBytes: number;
  /** the validated body as received; its canonical JSON is hashed only under an Idempotency-Key */
  readonly body: unknown;
}
