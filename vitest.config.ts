import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One Vitest run for the whole workspace, two projects:
//  - unit: pure logic, no I/O, fast (`*.spec.ts`)
//  - integration: real Consul, Redis and HTTP started by libs/testing (`*.int.spec.ts`)
// SWC compiles the sources so Nest's decorator metadata is emitted as tsc would.
// Path aliases come from tsconfig.base.json, the single list of workspace libs.
const tsconfig = JSON.parse(readFileSync(resolve(__dirname, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => [name, resolve(__dirname, target ?? '')]),
);
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
