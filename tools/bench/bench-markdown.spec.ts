import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchBlockNames, replaceBenchBlock, writeBenchMarkdown } from './bench-markdown';

const doc = [
  '# Benchmarks',
  '',
  'Prose before.',
  '',
  '<!-- bench:alpha -->',
  '| old | table |',
  '<!-- /bench:alpha -->',
  '',
  'Prose between.',
  '',
  '<!-- bench:beta -->',
  'old beta',
  '<!-- /bench:beta -->',
  'Prose after.',
  '',
].join('\n');

describe('replaceBenchBlock', () => {
  it('replaces only the named block and keeps every line of prose', () => {
    const next = replaceBenchBlock(doc, 'alpha', '\n| new | table |\n|---|---|\n');
    expect(next).toBe(doc.replace('| old | table |', '| new | table |\n|---|---|'));
    expect(next).toContain('old beta');
  });

  it('is idempotent: the same results give the same document', () => {
    const once = replaceBenchBlock(doc, 'beta', 'new beta');
    expect(replaceBenchBlock(once, 'beta', 'new beta')).toBe(once);
  });

  it('lists the marked blocks', () => {
    expect(benchBlockNames(doc)).toEqual(['alpha', 'beta']);
  });

  it('refuses missing, repeated or reversed markers, and markers inside the results', () => {
    expect(() => replaceBenchBlock(doc, 'gamma', 'x')).toThrow(/exactly one "<!-- bench:gamma -->".*found 0 and 0/);
    expect(() => replaceBenchBlock(`${doc}<!-- bench:alpha -->`, 'alpha', 'x')).toThrow(/found 2 and 1/);
    expect(() => replaceBenchBlock('<!-- /bench:a -->\n<!-- bench:a -->', 'a', 'x')).toThrow(/comes before/);
    expect(() => replaceBenchBlock(doc, 'alpha', '<!-- /bench:alpha -->')).toThrow(/must not contain bench markers/);
    expect(() => replaceBenchBlock(doc, 'Bad Name', 'x')).toThrow(/name must match/);
  });
});

describe('writeBenchMarkdown', () => {
  it('writes to BENCH_MARKDOWN when set and does nothing otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spaceport-bench-md-'));
    try {
      const file = join(dir, 'out.md');
      writeBenchMarkdown('| a |', {});
      writeBenchMarkdown('\n| a |\n\n', { BENCH_MARKDOWN: file });
      expect(readFileSync(file, 'utf8')).toBe('| a |\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
