import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeParseFields } from './issues';
import { type Project, projectBodySchema, projectSchema, redactProject } from './project';
import { isWebhookSecret, REDACTED } from './secrets';

const secretOf = (bytes: number, fill = 7) => `whsec_${Buffer.alloc(bytes, fill).toString('base64')}`;
const TOKEN = 'tok_0123456789abcdefghijklmnop';

const issuesOf = (body: unknown) => {
  const result = safeParseFields(projectBodySchema, body);
  if (result.success) throw new Error('expected a validation error');
  return result.issues;
};

describe('project schema', () => {
  it('applies defaults', () => {
    const project = projectSchema.parse({ id: 'demo', name: ' Demo ', secrets: { webhook: [secretOf(24)] } });
    expect(project).toEqual({
      id: 'demo',
      name: 'Demo',
      secrets: { webhook: [secretOf(24)], apiTokens: [] },
      settings: { maxPayloadBytes: 262_144, idempotencyTtlMs: 86_400_000 },
    });
  });

  it('checks Standard Webhooks secrets: prefix, base64, 24..64 bytes', () => {
    expect(isWebhookSecret(secretOf(24))).toBe(true);
    expect(isWebhookSecret(secretOf(64))).toBe(true);
    expect(isWebhookSecret(secretOf(23))).toBe(false);
    expect(isWebhookSecret(secretOf(65))).toBe(false);
    expect(isWebhookSecret(secretOf(32).replace('whsec_', 'whsek_'))).toBe(false);
    expect(isWebhookSecret(`${secretOf(24)}!`)).toBe(false);
    expect(isWebhookSecret(secretOf(25).replace(/=+$/, ''))).toBe(false);
  });

  it('rejects bad secrets without echoing them', () => {
    const leaked = 'whsec_not-really-base64-but-secret';
    const issues = issuesOf({ name: 'x', secrets: { webhook: [leaked], apiTokens: ['short'] } });
    expect(issues.map((i) => i.field)).toEqual(['secrets.webhook.0', 'secrets.apiTokens.0']);
    expect(JSON.stringify(issues)).not.toContain(leaked);
    expect(JSON.stringify(issues)).not.toContain('short');
    expect(issuesOf({ name: 'x', secrets: { webhook: [] } })).toEqual([
      { field: 'secrets.webhook', message: 'at least one signing secret is required' },
    ]);
    expect(issuesOf({ name: 'x', secrets: { webhook: [secretOf(24), secretOf(24)] } })).toEqual([
      { field: 'secrets.webhook', message: 'signing secrets must be distinct' },
    ]);
  });

  it('rejects a non-slug id and a blank name', () => {
    expect(issuesOf({ id: 'Bad/Id', name: 'x', secrets: { webhook: [secretOf(24)] } }).map((i) => i.field)).toEqual([
      'id',
    ]);
    expect(issuesOf({ name: '  ', secrets: { webhook: [secretOf(24)] } })).toEqual([
      { field: 'name', message: 'is required' },
    ]);
  });
});

describe('redactProject', () => {
  it('replaces every secret and keeps the counts', () => {
    const project = projectSchema.parse({
      id: 'demo',
      name: 'Demo',
      secrets: { webhook: [secretOf(24, 1), secretOf(32, 2)], apiTokens: [TOKEN] },
    });
    const redacted = redactProject(project);
    expect(redacted.secrets).toEqual({ webhook: [REDACTED, REDACTED], apiTokens: [REDACTED] });
    expect(redacted.name).toBe('Demo');
    expect(project.secrets.apiTokens).toEqual([TOKEN]);
  });

  it('property: no secret survives redaction anywhere in the output', () => {
    const secret = fc
      .uint8Array({ minLength: 24, maxLength: 64 })
      .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);
    const token = fc.stringMatching(/^[\x21-\x7e]{24,64}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(secret, { minLength: 1, maxLength: 10 }),
        fc.uniqueArray(token, { maxLength: 20 }),
        (webhook, apiTokens) => {
          const project: Project = projectSchema.parse({ id: 'p', name: 'P', secrets: { webhook, apiTokens } });
          const text = JSON.stringify(redactProject(project));
          for (const value of [...webhook, ...apiTokens]) expect(text).not.toContain(value);
          expect(text).not.toContain('whsec_');
        },
      ),
    );
  });
});
