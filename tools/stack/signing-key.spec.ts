import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSigningKeyFile, SIGNING_KEY_FILE, stackSigningKey } from './signing-key.mjs';

const dir = mkdtempSync(join(tmpdir(), 'spaceport-stack-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the local stack config signing key', () => {
  it('is made on the first run (32 bytes base64url, mode 0600) and kept for the next', () => {
    const dataDir = join(dir, 'first', 'data');
    const first = stackSigningKey(dataDir, {});
    expect(first.file).toBe(join(dataDir, SIGNING_KEY_FILE));
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(first.file ?? '').mode & 0o777).toBe(0o600);
    expect(stackSigningKey(dataDir, {})).toEqual(first);
  });

  it('takes CONFIG_SIGNING_KEY from the environment instead, writing no file', () => {
    const dataDir = join(dir, 'env');
    expect(stackSigningKey(dataDir, { CONFIG_SIGNING_KEY: 'k'.repeat(43) })).toEqual({
      key: 'k'.repeat(43),
      file: undefined,
    });
    expect(() => statSync(join(dataDir, SIGNING_KEY_FILE))).toThrow(/ENOENT/);
  });

  it('makes a kept file readable by its owner only again, and names an empty one', () => {
    const dataDir = join(dir, 'loose');
    const { file } = stackSigningKey(dataDir, {});
    chmodSync(file ?? '', 0o644);
    stackSigningKey(dataDir, {});
    expect(statSync(file ?? '').mode & 0o777).toBe(0o600);
    writeFileSync(file ?? '', '\n');
    expect(() => readSigningKeyFile(file ?? '')).toThrow(`${file} is empty`);
    expect(readFileSync(file ?? '', 'utf8')).toBe('\n');
  });
});
