import { canonicalJson, type JsonValue } from './canonical-json';

/**
 * CloudEvents 1.0 structured-mode JSON body of a delivery (DESIGN.md "Event flow" step 2).
 *
 * Space Cloud sends `{specversion, type, source, id, time, data}`; we send the same fields with
 * specversion "1.0", plus `datacontenttype: application/json`, and optionally `subject` and the
 * CloudEvents partitioning extension `partitionkey`. `data` is the queued payload unchanged.
 *
 * The body is serialized canonically: attributes in a fixed order, then `data` with sorted keys
 * (canonical-json.ts), so a retry re-renders the byte-identical body and the signature over it
 * and the receiver's dedupe on `webhook-id` both hold even if the payload went through storage.
 */

export interface CloudEventInput {
  /** Event id (delivery-id.ts `newEventId`), the same for every trigger of the event. */
  readonly id: string;
  /** Event type as queued, e.g. `order.created`. */
  readonly type: string;
  /** Project name; the source becomes `/spaceport/<project>`. */
  readonly project: string;
  /** When the event happened (the queued `timestamp`, else the time it was accepted). */
  readonly time: Date;
  readonly data: JsonValue;
  readonly subject?: string | undefined;
  readonly partitionKey?: string | undefined;
}

export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly datacontenttype: 'application/json';
  readonly time: string;
  readonly subject?: string;
  readonly partitionkey?: string;
  readonly data: JsonValue;
}

/** `/spaceport/<project>` with the project percent-encoded, a valid URI-reference. */
export function cloudEventSource(project: string): string {
  if (project.length === 0) throw new RangeError('project must not be empty');
  return `/spaceport/${encodeURIComponent(project)}`;
}

/** Throws unless `value` is a non-empty string (CloudEvents forbids empty id/type/subject). */
function assertNonEmpty(name: string, value: string): void {
  if (value.length === 0) throw new RangeError(`CloudEvent ${name} must not be empty`);
}

/** The CloudEvent for `input`; time as RFC 3339 UTC with milliseconds (`Date#toISOString`). */
export function buildCloudEvent(input: CloudEventInput): CloudEvent {
  assertNonEmpty('id', input.id);
  assertNonEmpty('type', input.type);
  if (input.subject !== undefined) assertNonEmpty('subject', input.subject);
  if (Number.isNaN(input.time.getTime())) throw new RangeError('CloudEvent time is an invalid date');
  const event: CloudEvent = {
    specversion: '1.0',
    id: input.id,
    source: cloudEventSource(input.project),
    type: input.type,
    datacontenttype: 'application/json',
    time: input.time.toISOString(),
    data: input.data,
  };
  const subject = input.subject === undefined ? {} : { subject: input.subject };
  const partitionkey = input.partitionKey === undefined ? {} : { partitionkey: input.partitionKey };
  return { ...event, ...subject, ...partitionkey };
}

const ATTRIBUTE_ORDER = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'time', 'subject', 'partitionkey'] as const;

/** The delivery body: attributes in a fixed order, then canonical `data`; same event → same bytes. */
export function serializeCloudEvent(event: CloudEvent): string {
  const attributes = ATTRIBUTE_ORDER.flatMap((name) => {
    const value = event[name];
    return value === undefined ? [] : [`${JSON.stringify(name)}:${JSON.stringify(value)}`];
  });
  return `{${[...attributes, `"data":${canonicalJson(event.data, '$.data')}`].join(',')}}`;
}

/** `serializeCloudEvent(buildCloudEvent(input))`. */
export function cloudEventBody(input: CloudEventInput): string {
  return serializeCloudEvent(buildCloudEvent(input));
}
