// The request and response bodies that a zod schema validates, as OpenAPI 3.0 components generated
// from those schemas (zod 4's JSON Schema output): a bound or a field changed in libs/config-model or
// in the queue body schema shows here by itself. Bodies no zod schema checks are in
// handwritten-schemas.ts.
import { type SchemaObject } from '@nestjs/swagger';
import {
  eventingSettingsSchema,
  jsonObjectSchema,
  jsonValueSchema,
  projectBodySchema,
  projectSchema,
  triggerBodySchema,
  triggerSchema,
} from '@spaceport/config-model';
import { queueBatchSchema, queueEventSchema } from '@spaceport/eventing';
import * as z from 'zod';

const COMPONENT_REF_PREFIX = '#/components/schemas/';

export const ref = (name: string): { $ref: string } => ({ $ref: `${COMPONENT_REF_PREFIX}${name}` });

interface DocMeta {
  /** the component name, for the schemas that become `components.schemas` entries */
  id?: string;
  description?: string;
}

/** A zod object's keys whose value has a default: present in what the API answers. */
function defaultedKeys(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => ['default', 'prefault'].includes((field as z.ZodType)._zod.def.type))
    .map(([key]) => key);
}

/**
 * Which zod schema is which component, and the descriptions of their fields. Request bodies are
 * described as the schema takes them (zod's input side: defaults optional); `Project` and `Trigger`
 * are what the API answers, the input side with its defaulted keys present.
 */
function docRegistry(): z.core.$ZodRegistry<DocMeta> {
  const docs = z.registry<DocMeta>();
  const add = (schema: z.ZodType, meta: DocMeta) => docs.add(schema, meta);
  add(jsonValueSchema, { id: 'JsonValue', description: 'any JSON value' });
  add(jsonObjectSchema, { id: 'JsonObject', description: 'a JSON object (no `__proto__` key)' });
  add(projectBodySchema, { id: 'ProjectBody' });
  add(projectBodySchema.shape.id, { description: 'optional: the path names the project' });
  add(projectBodySchema.shape.secrets, { description: 'write-only: read APIs show `[redacted]` for each value' });
  add(projectSchema, { id: 'Project' });
  add(triggerBodySchema, {
    id: 'TriggerBody',
    description: "Space Cloud's trigger body `{type, url, retries, timeout, options, filter}` is accepted as it is",
  });
  const trigger = triggerBodySchema.shape;
  add(trigger.id, { description: 'optional in the body: the path names the trigger' });
  add(trigger.type, { description: 'event type the trigger fires on' });
  add(trigger.url, { description: 'absolute http:// or https:// URL of the receiver' });
  add(trigger.retries, { description: 'unset → cluster default (3)' });
  add(trigger.timeout, { description: 'per-attempt timeout, ms; 0 or unset → cluster default (5000)' });
  add(trigger.options, { description: 'Space Cloud event options: all must equal the options queued with the event' });
  add(trigger.filter, {
    description: 'Space Cloud rule object, or an array of conditions on the payload (docs/eventing.md)',
  });
  add(trigger.headers, { description: 'extra request headers (values are write-only)' });
  add(trigger.ordered, { description: "deliver one partition key's events one at a time, in order" });
  add(trigger.rateLimit, { description: 'deliveries per second, across all workers' });
  add(triggerSchema, { id: 'Trigger', description: 'header values and URL credentials redacted' });
  add(eventingSettingsSchema, { id: 'EventingSettings' });
  add(eventingSettingsSchema.shape.partitionCount, { description: 'changing it re-maps partition keys' });
  add(queueEventSchema, { id: 'QueueEvent' });
  const queue = queueEventSchema.shape;
  add(queue.payload, { description: 'required; canonical JSON counts against the project limit' });
  add(queue.delay, { description: 'ms before the first attempt' });
  add(queue.timestamp, { description: 'RFC 3339; a future time schedules (≤ 30 days)' });
  add(queue.partitionKey, { description: 'events of one key keep their order; default: the event id' });
  add(queueBatchSchema, { id: 'QueueBatch' });
  return docs;
}

/** Keys JSON Schema has and OpenAPI 3.0 schema objects do not. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '$id' && key !== '$schema')
      .map(([key, inner]) => [key, withoutIds(inner)]),
  );
}

/** Pure: `components.schemas` entries of every body a zod schema validates. */
export function zodBodySchemas(): Record<string, SchemaObject> {
  const docs = docRegistry();
  const generated = z.toJSONSchema(docs, {
    metadata: docs,
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => `${COMPONENT_REF_PREFIX}${id}`,
  });
  const schemas = withoutIds(generated.schemas) as Record<string, SchemaObject>;
  const answered = (name: string, schema: z.ZodObject, extra: SchemaObject = {}) => {
    const component = schemas[name] ?? {};
    schemas[name] = {
      ...component,
      ...extra,
      properties: { ...component.properties, ...extra.properties },
      required: [...new Set([...(component.required ?? []), ...defaultedKeys(schema)])],
    };
  };
  answered('Project', projectSchema, { properties: { secrets: ref('RedactedSecrets') } });
  answered('Trigger', triggerSchema);
  // the batch takes any value per event and checks each with queueEventSchema (issues name `events.3.type`)
  const batch = schemas['QueueBatch'];
  if (batch?.properties?.['events'])
    batch.properties['events'] = { ...batch.properties['events'], items: ref('QueueEvent') };
  return schemas;
}
