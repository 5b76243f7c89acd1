import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { Ajv } from 'ajv';

type Schema = SchemaObject | ReferenceObject;

/**
 * Where a JSON value departs from an OpenAPI 3.0 schema whose `$ref`s point into `schemas`
 * (`#/components/schemas/<name>`), checked by Ajv (OpenAPI's `nullable` included): each mismatch as
 * `<instance path> <what>`, none is `[]`. Holds an answer against its documented schema in the tests.
 */
export function schemaMismatches(value: unknown, schema: Schema, schemas: Record<string, Schema>): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  const validate = ajv.compile({ $id: 'checked', ...withBase(schema) });
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `$${error.instancePath} ${error.message ?? error.keyword}`);
}

/** The schema with its document-relative `$ref` aimed at the document added as `openapi`. */
function withBase(schema: Schema): object {
  return '$ref' in schema ? { $ref: `openapi${schema.$ref}` } : { ...schema };
}
