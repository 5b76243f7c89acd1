import { describe, expect, it } from 'vitest';
import { projectSchema, triggerSchema } from '@spaceport/config-model';
import {
  applyDelete,
  applyPut,
  decodeConfigFile,
  type DecodedConfigFile,
  revisionOf,
  snapshotOfFile,
} from './config-file';
import { formatOfPath } from './editable-document';

const SECRET = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;

const yamlText = `# Spaceport config
version: 4
eventing:
  partitionCount: 8 # small cluster
projects:
  demo:
    name: Demo
    secrets:
      webhook: [${SECRET}]
    triggers:
      paid: # keep me
        type: order.paid
        url: https://example.com/paid
`;

function decoded(text: string | undefined, format: 'yaml' | 'json' = 'yaml'): DecodedConfigFile {
  const result = decodeConfigFile(text, format);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.file;
}

describe('config file decoding', () => {
  it('picks the format from the extension', () => {
    expect(formatOfPath('/etc/spaceport/config.YML')).toBe('yaml');
    expect(formatOfPath('config.yaml')).toBe('yaml');
    expect(formatOfPath('config.json')).toBe('json');
    expect(() => formatOfPath('config.toml')).toThrow(/\.yaml, \.yml or \.json/);
  });

  it('decodes YAML into entries and a snapshot at a revision', () => {
    const file = decoded(yamlText);
    expect(file.fileVersion).toBe(4);
    const snapshot = snapshotOfFile(file, 4);
    expect(snapshot.eventing).toMatchObject({ version: 4, value: { partitionCount: 8 } });
    expect(snapshot.projects['demo']?.triggers['paid']).toMatchObject({
      version: 4,
      value: { id: 'paid', enabled: true },
    });
  });

  it('treats a missing file as an empty config and an empty file as invalid', () => {
    expect(snapshotOfFile(decoded(undefined), 0)).toMatchObject({ version: 0, eventing: { version: 0 }, projects: {} });
    expect(decodeConfigFile('  \n', 'yaml')).toEqual({
      ok: false,
      issues: [{ field: '(root)', message: 'the file is empty' }],
    });
    expect(decodeConfigFile('projects:\n', 'yaml').ok).toBe(true);
  });

  it('reports every invalid field with its full path', () => {
    const text = yamlText
      .replace('https://example.com/paid', 'ftp://nope')
      .replace('partitionCount: 8', 'partitionCount: 0');
    const result = decodeConfigFile(text, 'yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((issue) => issue.field)).toEqual([
      'eventing.partitionCount',
      'projects.demo.triggers.paid.url',
    ]);
    expect(decodeConfigFile('{"version": 1, "projects": {"Bad Id": {}}}', 'json')).toMatchObject({
      ok: false,
      issues: [{ field: 'projects.Bad Id' }],
    });
    expect(decodeConfigFile('{"versoin": 1}', 'json')).toMatchObject({
      ok: false,
      issues: [{ message: 'unknown field(s): versoin' }],
    });
  });

  it('never quotes file content in syntax errors', () => {
    for (const [text, format] of [
      [`projects:\n  demo:\n    secrets: { webhook: [${SECRET}]\n  oops`, 'yaml'],
      [`{"projects": {"demo": {"secrets": ${SECRET}}}}`, 'json'],
    ] as const) {
      const result = decodeConfigFile(text, format);
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(SECRET.slice(6, 20));
    }
  });

  it('fingerprints config, not layout or spelled-out defaults', () => {
    const relaid = yamlText
      .replace('# Spaceport config', '')
      .replace('url: https://example.com/paid', 'url: https://example.com/paid\n        enabled: true');
    expect(decoded(relaid).fingerprint).toBe(decoded(yamlText).fingerprint);
    expect(decoded(yamlText.replace('order.paid', 'order.refunded')).fingerprint).not.toBe(
      decoded(yamlText).fingerprint,
    );
  });
});

describe('revisionOf', () => {
  it('follows the file counter, and bumps for hand edits that did not', () => {
    expect(revisionOf(4, 'a', undefined)).toBe(4);
    expect(revisionOf(4, 'a', { version: 4, fingerprint: 'a' })).toBe(4);
    expect(revisionOf(5, 'b', { version: 4, fingerprint: 'a' })).toBe(5);
    expect(revisionOf(4, 'b', { version: 4, fingerprint: 'a' })).toBe(5);
    expect(revisionOf(4, 'c', { version: 5, fingerprint: 'b' })).toBe(6);
    expect(revisionOf(4, 'b', { version: 5, fingerprint: 'b' })).toBe(5);
  });
});

describe('editing', () => {
  it('edits YAML in place, keeping comments, without writing ids', () => {
    const file = decoded(yamlText);
    const trigger = triggerSchema.parse({ id: 'refund', type: 'order.refunded', url: 'https://example.com/r' });
    applyPut(file.document, { kind: 'trigger', projectId: 'demo', value: trigger });
    const project = projectSchema.parse({ id: 'demo', name: 'Demo 2', secrets: { webhook: [SECRET] } });
    applyPut(file.document, { kind: 'project', value: project });
    file.document.set(['version'], 5);
    const text = file.document.toString();
    expect(text).toContain('# Spaceport config');
    expect(text).toContain('# keep me');
    expect(text).toContain('# small cluster');
    expect(text).not.toMatch(/\bid: /);
    const after = snapshotOfFile(decoded(text), 5);
    expect(Object.keys(after.projects['demo']?.triggers ?? {})).toEqual(['paid', 'refund']);
    expect(after.projects['demo']?.value.name).toBe('Demo 2');
  });

  it('fills in empty YAML sections', () => {
    const file = decoded(
      'version: 2\nprojects:\n  demo:\n    name: Demo\n    secrets: { webhook: [' + SECRET + '] }\n    triggers:\n',
    );
    applyPut(file.document, {
      kind: 'trigger',
      projectId: 'demo',
      value: triggerSchema.parse({ id: 't', type: 'a', url: 'https://x.example' }),
    });
    expect(snapshotOfFile(decoded(file.document.toString()), 3).projects['demo']?.triggers['t']?.value.type).toBe('a');
    const empty = decoded('projects:\n');
    applyPut(empty.document, {
      kind: 'project',
      value: projectSchema.parse({ id: 'p', name: 'P', secrets: { webhook: [SECRET] } }),
    });
    expect(Object.keys(snapshotOfFile(decoded(empty.document.toString()), 1).projects)).toEqual(['p']);
  });

  it('deletes entries, a project with its triggers', () => {
    const file = decoded(yamlText);
    applyDelete(file.document, { kind: 'trigger', projectId: 'demo', triggerId: 'paid' });
    applyDelete(file.document, { kind: 'eventing' });
    let snapshot = snapshotOfFile(decoded(file.document.toString()), 1);
    expect(snapshot.projects['demo']?.triggers).toEqual({});
    expect(snapshot.eventing.version).toBe(0);
    applyDelete(file.document, { kind: 'project', projectId: 'demo' });
    snapshot = snapshotOfFile(decoded(file.document.toString()), 1);
    expect(snapshot.projects).toEqual({});
  });

  it('edits JSON, creating the file structure from nothing', () => {
    const file = decoded(undefined, 'json');
    const project = projectSchema.parse({ id: 'demo', name: 'Demo', secrets: { webhook: [SECRET] } });
    applyPut(file.document, { kind: 'project', value: project });
    applyPut(file.document, {
      kind: 'eventing',
      value: { ...snapshotOfFile(file, 0).eventing.value, partitionCount: 4 },
    });
    const text = file.document.toString();
    expect(JSON.parse(text)).toMatchObject({
      version: 0,
      eventing: { partitionCount: 4 },
      projects: { demo: { name: 'Demo' } },
    });
    expect(snapshotOfFile(decoded(text, 'json'), 1).projects['demo']?.value.id).toBe('demo');
  });
});
