import { emptySnapshot, projectSchema, REDACTED, secretIdOf, triggerSchema } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { createApiToken, fillFromStored, removeSecret, rotateWebhookSecret, secretsView } from './stored-secrets';

const OLD = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const secrets = { webhook: [OLD], apiTokens: ['token-0123456789abcdefghijklmn'] };
const snapshot = emptySnapshot(9);
snapshot.projects['shop'] = {
  version: 7,
  value: projectSchema.parse({ id: 'shop', name: 'Shop', secrets }),
  triggers: {
    paid: {
      version: 8,
      value: triggerSchema.parse({
        id: 'paid',
        type: 'order.paid',
        url: 'https://x.test/',
        headers: { authorization: 'Bearer s3cret' },
      }),
    },
  },
};
const project = { kind: 'project', projectId: 'shop' } as const;
const trigger = { kind: 'trigger', projectId: 'shop', triggerId: 'paid' } as const;

describe('fillFromStored', () => {
  it('a project update without secrets keeps the stored ones, as a CAS on their version', () => {
    expect(fillFromStored(project, { name: 'Shop 2' }, snapshot)).toEqual({
      body: { name: 'Shop 2', secrets },
      basedOn: 7,
    });
    // secrets given, or a new project: unchanged, no CAS imposed
    const given = { name: 'x', secrets };
    expect(fillFromStored(project, given, snapshot)).toEqual({ body: given, basedOn: undefined });
    expect(fillFromStored({ kind: 'project', projectId: 'new' }, { name: 'x' }, snapshot).basedOn).toBeUndefined();
  });

  it('a [redacted] header keeps its stored value; other headers are as sent', () => {
    const filled = fillFromStored(
      trigger,
      { type: 'order.paid', headers: { authorization: REDACTED, 'x-new': 'v' } },
      snapshot,
    );
    expect(filled).toEqual({
      body: { type: 'order.paid', headers: { authorization: 'Bearer s3cret', 'x-new': 'v' } },
      basedOn: 8,
    });
    // a [redacted] header the trigger never had stays as sent (and fails validation nowhere: it is a value)
    expect(fillFromStored(trigger, { headers: { other: REDACTED } }, snapshot).basedOn).toBeUndefined();
  });

  it('a URL with its credentials redacted (as read APIs show it) keeps the stored URL', () => {
    const withCredentials = emptySnapshot(9);
    withCredentials.projects['shop'] = {
      ...snapshot.projects['shop']!,
      triggers: {
        paid: {
          version: 5,
          value: triggerSchema.parse({ id: 'paid', type: 'order.paid', url: 'https://u:p@x.test/h' }),
        },
      },
    };
    const shown = 'https://redacted:redacted@x.test/h';
    expect(fillFromStored(trigger, { url: shown }, withCredentials)).toEqual({
      body: { url: 'https://u:p@x.test/h' },
      basedOn: 5,
    });
    expect(fillFromStored(trigger, { url: 'https://y.test/' }, withCredentials).basedOn).toBeUndefined();
  });
});

describe('secret edits', () => {
  it('rotation puts the new signing secret first and keeps the old one signing', () => {
    const rotated = rotateWebhookSecret(secrets);
    if (!rotated.ok) throw new Error('rotation refused');
    expect(rotated.secrets.webhook).toEqual([rotated.created?.value, OLD]);
    expect(rotated.created?.value).toMatch(/^whsec_/);
    expect(rotated.created?.id).toBe(secretIdOf(rotated.created?.value ?? ''));
  });

  it('a created API token is stored as its hash, listed by id, and revoked by that id', () => {
    const created = createApiToken(secrets, 'spt_new-token-0123456789abcdefgh');
    if (!created.ok) throw new Error('refused');
    const stored = created.secrets.apiTokens[1] ?? '';
    expect(stored).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(created.secrets)).not.toContain('spt_new-token');
    expect(created.created?.id).toBe(secretIdOf('spt_new-token-0123456789abcdefgh'));
    expect(secretsView(created.secrets).apiTokens.map((t) => t.id)).toContain(created.created?.id);
    const revoked = removeSecret(created.secrets, 'apiTokens', created.created?.id ?? '');
    expect(revoked.ok && revoked.secrets.apiTokens).toEqual(secrets.apiTokens);
    expect(removeSecret(created.secrets, 'apiTokens', 'nope')).toMatchObject({ ok: false, status: 404 });
  });

  it('the last signing secret cannot be retired', () => {
    expect(removeSecret(secrets, 'webhook', secretIdOf(OLD))).toMatchObject({ ok: false, status: 409 });
  });
});
