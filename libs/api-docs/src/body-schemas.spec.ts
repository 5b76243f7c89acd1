import { type SchemaObject } from '@nestjs/swagger';
import { MAX_RETRIES, projectBodySchema } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { zodBodySchemas } from './body-schemas';
import { HANDWRITTEN_SCHEMAS } from './handwritten-schemas';

const schemas = zodBodySchemas();
const property = (component: string, name: string) =>
  schemas[component]?.properties?.[name] as SchemaObject | undefined;

describe('body schemas generated from zod', () => {
  it('generates every body a zod schema validates, and none of them is also written by hand', () => {
    const generated = [
      'ProjectBody',
      'Project',
      'TriggerBody',
      'Trigger',
      'EventingSettings',
      'QueueEvent',
      'QueueBatch',
    ];
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(generated));
    for (const name of Object.keys(schemas)) expect(Object.keys(HANDWRITTEN_SCHEMAS)).not.toContain(name);
  });

  it('carries the bounds and the strictness of the zod schemas', () => {
    expect(property('TriggerBody', 'retries')).toMatchObject({ type: 'integer', minimum: 0, maximum: MAX_RETRIES });
    expect(property('TriggerBody', 'rateLimit')).toMatchObject({ minimum: 0, exclusiveMinimum: true });
    expect(schemas['TriggerBody']).toMatchObject({ required: ['type', 'url'], additionalProperties: false });
    expect(Object.keys(schemas['ProjectBody']?.properties ?? {}).sort()).toEqual(
      Object.keys(projectBodySchema.shape).sort(),
    );
  });

  it('describes answers with their defaults filled in and secrets redacted', () => {
    expect(schemas['Trigger']?.required).toEqual(expect.arrayContaining(['id', 'headers', 'enabled', 'ordered']));
    expect(schemas['Project']?.required).toEqual(expect.arrayContaining(['id', 'name', 'secrets', 'settings']));
    expect(property('Project', 'secrets')).toEqual({ $ref: '#/components/schemas/RedactedSecrets' });
    expect(property('QueueBatch', 'events')).toMatchObject({ items: { $ref: '#/components/schemas/QueueEvent' } });
  });

  it('is OpenAPI 3.0: no JSON Schema ids, references only to components', () => {
    const text = JSON.stringify(schemas);
    expect(text).not.toContain('"$id"');
    for (const [, target] of text.matchAll(/"\$ref":"([^"]+)"/g))
      expect(target).toMatch(/^#\/components\/schemas\/\w+$/);
  });
});
