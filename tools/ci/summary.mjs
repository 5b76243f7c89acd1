#!/usr/bin/env node
// Prints the one-line summary CI reads: `N passed, N failed[, N skipped]` for the whole run.
// Usage: summary.mjs <exit code of npm test> <vitest json report> <run start, ms since epoch>
// A stage that failed before Vitest wrote a fresh report (typecheck, lint, build, provisioning)
// counts as one failure, so a red run can never print `0 failed`.
import { existsSync, readFileSync, statSync } from 'node:fs';

const [exitCodeArg, reportPath, startedArg] = process.argv.slice(2);
const exitCode = Number(exitCodeArg);
const started = Number(startedArg);

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
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exitCode !== 0 || failed > 0 ? 1 : 0);
