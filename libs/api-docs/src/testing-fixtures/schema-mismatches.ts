import { type ReferenceObject, type SchemaObject } from '@nestjs/swagger';

type Schema = SchemaObject | ReferenceObject;

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

/**
 * Pure: where a JSON value departs from an OpenAPI 3.0 schema, `$ref`s followed into `schemas`: type
 * (`nullable` honoured), `enum`, `allOf`, required members, members a closed object (`additionalProperties:
 * false`) does not list, array items. Each mismatch as `<path>: <what>`; none is `[]`. Enough to hold an
 * answer against its documented schema; not a full validator (no formats, bounds, oneOf).
 */
export function schemaMismatches(
  value: unknown,
  schema: Schema,
  schemas: Record<string, Schema>,
  at = '$',
  depth = 0,
): string[] {
  if (depth > 32) return [`${at}: $refs nest deeper than 32`];
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = schemas[name];
    return target ? schemaMismatches(value, target, schemas, at, depth + 1) : [`${at}: no schema ${schema.$ref}`];
  }
  const problems = (schema.allOf ?? []).flatMap((part) => schemaMismatches(value, part, schemas, at, depth + 1));
  if (value === null) return schema.nullable || schema.type === undefined ? problems : [...problems, `${at}: null`];
  const actual = typeOf(value);
  if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer'))
    return [...problems, `${at}: ${actual}, not ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in the enum`);
  if (actual === 'array' && schema.items) {
    const items = schema.items;
    (value as unknown[]).forEach((item, i) =>
      problems.push(...schemaMismatches(item, items, schemas, `${at}[${i}]`, depth + 1)),
    );
  }
  if (actual !== 'object') return problems;
  const members = value as Record<string, unknown>;
  const properties = schema.properties ?? {};
  for (const name of schema.required ?? []) if (!(name in members)) problems.push(`${at}.${name}: missing`);
  for (const [name, member] of Object.entries(members)) {
    const property = properties[name];
    if (property) problems.push(...schemaMismatches(member, property, schemas, `${at}.${name}`, depth + 1));
    else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not allowed`);
  }
  return problems;
}
