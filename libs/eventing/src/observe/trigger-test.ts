import { type ConfigSnapshot, getProject, getTrigger } from '@spaceport/config-model';
import { canonicalJson, type JsonValue } from '@spaceport/eventing-core';
import { type FieldIssue } from '../common/http-errors';
import { type QueuedEvent } from '../common/queued-event';

/** The payload of a test event when the request names none. */
export const DEFAULT_TEST_PAYLOAD = { test: true };

export type TestEvent =
  | { ok: true; event: QueuedEvent; snapshot: ConfigSnapshot }
  | { ok: false; status: 400 | 404 | 409; message: string; issues?: FieldIssue[] };

/**
 * Pure: a test event for one trigger — the trigger's event type with `payload` (default `{test: true}`)
 * — and a view of the config in which that trigger, without its options and filter, is the project's
 * only one, so fan-out sends the event to it alone, whatever its filter says. A trigger disabled in the
 * config is a 409: a test would not show what its deliveries do.
 */
export function testEventFor(snapshot: ConfigSnapshot, projectId: string, triggerId: string, body: unknown): TestEvent {
  const project = getProject(snapshot, projectId);
  const trigger = getTrigger(snapshot, projectId, triggerId);
  if (!project || !trigger)
    return {
      ok: false,
      status: 404,
      message: `trigger ${JSON.stringify(triggerId)} does not exist in project ${JSON.stringify(projectId)}`,
    };
  if (!trigger.value.enabled)
    return {
      ok: false,
      status: 409,
      message: `trigger ${JSON.stringify(triggerId)} is disabled in the config: enable it first`,
    };
  const given =
    typeof body === 'object' && body !== null && 'payload' in body ? (body as { payload: unknown }).payload : undefined;
  const payload = (given ?? DEFAULT_TEST_PAYLOAD) as JsonValue;
  let payloadJson: string;
  try {
    payloadJson = canonicalJson(payload);
  } catch (error) {
    return {
      ok: false,
      status: 400,
      message: 'invalid test event',
      issues: [{ field: 'payload', message: (error as Error).message }],
    };
  }
  const payloadBytes = Buffer.byteLength(payloadJson, 'utf8');
  if (payloadBytes > project.value.settings.maxPayloadBytes)
    return {
      ok: false,
      status: 400,
      message: `payload: larger than the project limit of ${project.value.settings.maxPayloadBytes} bytes`,
    };
  const event: QueuedEvent = {
    type: trigger.value.type,
    payload,
    options: undefined,
    partitionKey: undefined,
    notBefore: 0,
    payloadJson,
    payloadBytes,
    body: { type: trigger.value.type, payload },
  };
  const only = { ...trigger, value: { ...trigger.value, options: undefined, filter: undefined } };
  return {
    ok: true,
    event,
    snapshot: {
      ...snapshot,
      projects: { ...snapshot.projects, [projectId]: { ...project, triggers: { [triggerId]: only } } },
    },
  };
}
