import { type SchemaObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { gatewaySchemas } from '../openapi-document';
import { schemaMismatches } from './schema-mismatches';

describe('schemaMismatches', () => {
  const schemas = gatewaySchemas();
  const apiError = { $ref: '#/components/schemas/ApiError' };

  it('passes the one error body as ApiError and as ConfigApiError', () => {
    const body = { statusCode: 415, error: 'Unsupported Media Type', message: 'Content-Type: …' };
    expect(schemaMismatches(body, apiError, schemas)).toEqual([]);
    expect(schemaMismatches(body, { $ref: '#/components/schemas/ConfigApiError' }, schemas)).toEqual([]);
    const issues = [{ field: 'url', message: 'must use http or https' }];
    expect(schemaMismatches({ ...body, statusCode: 400, issues }, apiError, schemas)).toEqual([]);
  });

  it('names missing, unlisted and mistyped members, and unknown references', () => {
    // the config API's error schema before it listed statusCode and message
    const closed: SchemaObject = {
      type: 'object',
      properties: { error: { type: 'string' } },
      required: ['error'],
      additionalProperties: false,
    };
    expect(schemaMismatches({ statusCode: 415, message: 'm' }, closed, {})).toEqual([
      '$.error: missing',
      '$.statusCode: not allowed',
      '$.message: not allowed',
    ]);
    expect(
      schemaMismatches({ statusCode: '415', error: 'e', message: 'm', issues: [{ field: 1 }] }, apiError, schemas),
    ).toEqual([
      '$.statusCode: string, not integer',
      '$.issues[0].message: missing',
      '$.issues[0].field: integer, not string',
    ]);
    expect(schemaMismatches({}, { $ref: '#/components/schemas/Nope' }, schemas)).toEqual([
      '$: no schema #/components/schemas/Nope',
    ]);
    expect(schemaMismatches(null, { type: 'string', nullable: true }, {})).toEqual([]);
    expect(schemaMismatches('x', { type: 'string', enum: ['a'] }, {})).toEqual(['$: "x" not in the enum']);
  });
});
