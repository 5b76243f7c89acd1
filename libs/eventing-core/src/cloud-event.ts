import { canonicalJson, type JsonValue } from './canonical-json';

/**
 * CloudEvents 1.0 structured-mode JSON body of a delivery (docs/architecture.md, Event flow).
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

/** The attributes of an event, everything but `data`. */
export type CloudEventAttributesInput = Omit<CloudEventInput, 'data'>;
type CloudEventAttributes = Omit<CloudEvent, 'data'>;

function buildAttributes(input: CloudEventAttributesInput): CloudEventAttributes {
  assertNonEmpty('id', input.id);
  assertNonEmpty('type', input.type);
  if (input.subject !== undefined) assertNonEmpty('subject', input.subject);
  if (Number.isNaN(input.time.getTime())) throw new RangeError('CloudEvent time is an invalid date');
  return {
    specversion: '1.0',
    id: input.id,
    source: cloudEventSource(input.project),
    type: input.type,
    datacontenttype: 'application/json',
    time: input.time.toISOString(),
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    ...(input.partitionKey === undefined ? {} : { partitionkey: input.partitionKey }),
  };
}

/** The CloudEvent for `input`; time as RFC 3339 UTC with milliseconds (`Date#toISOString`). */
export function buildCloudEvent(input: CloudEventInput): CloudEvent {
  return { ...buildAttributes(input), data: input.data };
}

/** The body up to `data`: attributes in a fixed order (specversion, id, source, type, datacontenttype, time, subject, partitionkey). */
function attributesText(event: CloudEventAttributes): string {
  let text =
    `{"specversion":${JSON.stringify(event.specversion)},"id":${JSON.stringify(event.id)},"source":${JSON.stringify(event.source)}` +
    `,"type":${JSON.stringify(event.type)},"datacontenttype":${JSON.stringify(event.datacontenttype)},"time":${JSON.stringify(event.time)}`;
  if (event.subject !== undefined) text += `,"subject":${JSON.stringify(event.subject)}`;
  if (event.partitionkey !== undefined) text += `,"partitionkey":${JSON.stringify(event.partitionkey)}`;
  return text;
}

/** The delivery body: the attributes in their fixed order, then canonical `data`; same event → same bytes. */
export function serializeCloudEvent(event: CloudEvent): string {
  return `${attributesText(event)},"data":${canonicalJson(event.data, '$.data')}}`;
}

/** `serializeCloudEvent(buildCloudEvent(input))`. */
export function cloudEventBody(input: CloudEventInput): string {
  return serializeCloudEvent(buildCloudEvent(input));
}

/**
 * The same bytes as `cloudEventBody({ ...input, data })` for `canonicalData = canonicalJson(data)`,
 * without parsing and re-canonicalizing it: for data already stored as canonical text (the queued
 * payload, canonicalized once at ingest). The text is spliced in as given, so it must come from
 * `canonicalJson`.
 */
export function cloudEventBodyOfCanonicalData(input: CloudEventAttributesInput, canonicalData: string): string {
  return `${attributesText(buildAttributes(input))},"data":${canonicalData}}`;
}
