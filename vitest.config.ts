import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One Vitest run for the whole workspace, two projects:
//  - unit: pure logic, no I/O, fast (`*.spec.ts`)
//  - integration: real Consul, Redis and HTTP started by libs/testing (`*.int.spec.ts`)
// SWC compiles the sources so Nest's decorator metadata is emitted as tsc would.
const alias = {
  '@spaceport/app-runtime': resolve(__dirname, 'libs/app-runtime/src/index.ts'),
  '@spaceport/consul-core': resolve(__dirname, 'libs/consul-core/src/index.ts'),
  '@spaceport/testing': resolve(__dirname, 'libs/testing/src/index.ts'),
};
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    reporters: ['default', ['json', { outputFile: 'tmp/test-report.json' }]],
    // Two cores: at most two suites at once, each with its own Consul/Redis processes.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{apps,libs,tools}/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**'],
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['{apps,libs,tools}/**/*.int.spec.ts'],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
