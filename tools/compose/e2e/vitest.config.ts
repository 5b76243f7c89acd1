import { defineConfig } from 'vitest/config';

// `npm run test:compose` only (tools/compose/e2e/run.mjs starts it once dockerd and the images are
// there); the workspace config does not pick up `*.e2e.ts`. One file, its steps in order, one worker.
export default defineConfig({
  test: {
    include: ['tools/compose/e2e/**/*.e2e.ts'],
    reporters: ['default', ['json', { outputFile: 'tmp/test-compose-report.json' }]],
    pool: 'forks',
    maxWorkers: 1,
    minWorkers: 1,
    sequence: { concurrent: false },
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
