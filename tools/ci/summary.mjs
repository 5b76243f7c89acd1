#!/usr/bin/env node
// Prints the one-line summary CI reads: `N passed, N failed[, N skipped]` for the whole run, summed
// over every stage that ran (npm test, npm run test:compose).
// Usage: summary.mjs <exit code> <vitest json report> <stage start, ms since epoch> [<exit code> <report> <start>]…
// A stage that failed before Vitest wrote a fresh report (typecheck, lint, build, provisioning)
// counts as one failure, so a red run can never print `0 failed`.
import { existsSync, readFileSync, statSync } from 'node:fs';

/** passed/failed/skipped of one stage; `exitCode` non-zero with no failed test counts one failure. */
export function stageCounts(exitCode, reportPath, started) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (reportPath && existsSync(reportPath) && statSync(reportPath).mtimeMs >= started) {
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    passed = report.numPassedTests ?? 0;
    failed = report.numFailedTests ?? 0;
    skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite whose file failed to load or whose beforeAll threw has no failed test of its own.
    const brokenSuites = (report.testResults ?? []).filter(
      (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).every((t) => t.status !== 'failed'),
    ).length;
    failed += brokenSuites;
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.length % 3 !== 0) {
    console.error('usage: summary.mjs <exit code> <report> <start ms> [<exit code> <report> <start ms>]…');
    process.exit(2);
  }
  const total = { passed: 0, failed: 0, skipped: 0, exit: 0 };
  for (let i = 0; i < args.length; i += 3) {
    const exitCode = Number(args[i]);
    const stage = stageCounts(exitCode, args[i + 1], Number(args[i + 2]));
    total.passed += stage.passed;
    total.failed += stage.failed;
    total.skipped += stage.skipped;
    if (exitCode !== 0) total.exit = 1;
  }
  const { passed, failed, skipped } = total;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(total.exit !== 0 || failed > 0 ? 1 : 0);
}
