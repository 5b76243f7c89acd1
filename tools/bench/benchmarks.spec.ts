import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchBlockNames } from './bench-markdown';
import { type Benchmark, BENCHMARKS, ROOT, selectBenchmarks } from './benchmarks';

const bench = (name: string, diagnostic = false): Benchmark => ({
  name,
  file: `${name}.ts`,
  diagnostic,
  quickEnv: {},
  timeoutMs: 1,
});

describe('selectBenchmarks', () => {
  const all = [bench('a'), bench('hop', true), bench('b')];

  it('runs every results benchmark, and no diagnostic, when no name is given', () => {
    expect(selectBenchmarks([], all).map((b) => b.name)).toEqual(['a', 'b']);
  });

  it('runs the named benchmarks and diagnostics in registry order', () => {
    expect(selectBenchmarks(['b', 'hop'], all).map((b) => b.name)).toEqual(['hop', 'b']);
  });

  it('refuses an unknown name and lists the known ones', () => {
    expect(() => selectBenchmarks(['a', 'nope'], all)).toThrow('unknown benchmark(s) nope; known: a, hop, b');
  });
});

describe('the benchmark registry', () => {
  it('names each benchmark once, after an existing file', () => {
    const names = BENCHMARKS.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    for (const b of BENCHMARKS) expect(existsSync(join(ROOT, 'tools/bench', b.file)), b.file).toBe(true);
  });

  it('has exactly one results block per benchmark in docs/benchmarks.md, and no other', () => {
    const doc = readFileSync(join(ROOT, 'docs/benchmarks.md'), 'utf8');
    expect(benchBlockNames(doc).sort()).toEqual(BENCHMARKS.map((b) => b.name).sort());
  });
});
