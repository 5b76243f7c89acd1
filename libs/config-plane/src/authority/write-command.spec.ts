import { describe, expect, it } from 'vitest';
import { parseWriteCommand } from './write-command';

describe('write commands (validated again by the single writer)', () => {
  it('accepts a Space Cloud trigger and normalises it', () => {
    const parsed = parseWriteCommand({
      op: 'put',
      write: {
        kind: 'trigger',
        projectId: 'shop',
        value: { id: 't1', type: 'a', url: 'https://x.example', options: null, filter: null, timeout: 0 },
      },
      expectedVersion: 0,
    });
    expect(parsed).toMatchObject({
      ok: true,
      command: { op: 'put', write: { kind: 'trigger', projectId: 'shop', value: { id: 't1', enabled: true } } },
    });
  });
  it('refuses invalid values with field issues, malformed envelopes and bad ids', () => {
    expect(
      parseWriteCommand({
        op: 'put',
        write: { kind: 'trigger', projectId: 'shop', value: { id: 't1', type: 'a', url: 'ftp://x' } },
        expectedVersion: 0,
      }),
    ).toEqual({
      ok: false,
      issues: [{ field: 'url', message: 'must use http or https' }],
    });
    expect(parseWriteCommand({ op: 'drop' })).toMatchObject({ ok: false });
    expect(
      parseWriteCommand({ op: 'delete', ref: { kind: 'project', projectId: '../x' }, expectedVersion: 1 }),
    ).toMatchObject({ ok: false });
    expect(
      parseWriteCommand({ op: 'put', write: { kind: 'project', value: { id: 'Bad Id' } }, expectedVersion: 0 }),
    ).toMatchObject({ ok: false });
  });
});
