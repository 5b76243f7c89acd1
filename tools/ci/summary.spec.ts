import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = resolve(__dirname, 'summary.mjs');
const summary = (...args: (string | number)[]) => {
  const run = spawnSync(process.execPath, [script, ...args.map(String)], { encoding: 'utf8' });
  return { line: run.stdout.trim(), status: run.status };
};

describe('tools/ci/summary.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  const started = Date.now() - 1_000;
  const report = (name: string, body: object) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const green = report('green.json', { numPassedTests: 10, numFailedTests: 0, numPendingTests: 0, testResults: [] });
  const red = report('red.json', {
    numPassedTests: 3,
    numFailedTests: 0,
    testResults: [{ status: 'failed', assertionResults: [{ status: 'passed' }] }],
  });

  it('sums the stages (npm test, then test:compose) into one line', () => {
    expect(summary(0, green, started, 0, green, started)).toEqual({ line: '20 passed, 0 failed', status: 0 });
  });

  it('counts a suite that broke without a failed test, and fails the run', () => {
    expect(summary(0, green, started, 1, red, started)).toEqual({ line: '13 passed, 1 failed', status: 1 });
  });

  it('counts a stage that failed before writing a fresh report as one failure', () => {
    const stale = Date.now() + 60_000; // the report is older than the stage
    expect(summary(0, green, started, 1, green, stale)).toEqual({ line: '10 passed, 1 failed', status: 1 });
    expect(summary(1, join(dir, 'missing.json'), started)).toEqual({ line: '0 passed, 1 failed', status: 1 });
  });
});
