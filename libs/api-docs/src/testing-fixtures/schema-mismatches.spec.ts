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

  it('names mistyped and missing members, following the references into the document', () => {
    const mismatches = schemaMismatches(
      { statusCode: '415', error: 'e', message: 'm', issues: [{ field: 1 }] },
      apiError,
      schemas,
    );
    expect(mismatches).toContain('$/statusCode must be integer');
    expect(mismatches).toContain('$/issues/0/field must be string');
    expect(mismatches).toContain("$/issues/0 must have required property 'message'");
    expect(schemaMismatches(null, { type: 'string', nullable: true }, {})).toEqual([]);
    expect(schemaMismatches('x', { type: 'string', enum: ['a'] }, {})).toEqual([
      '$ must be equal to one of the allowed values',
    ]);
  });
});
