// Lint: typescript-eslint's recommended rules plus Nx module boundaries.
// Layering (docs/architecture.md#layers): apps wire; feature libs hold Nest-level building blocks;
// data libs do I/O behind small interfaces; util libs are pure. The testing harness is only for test files.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const layers = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data', 'type:util', 'type:testing'] },
];
const withTesting = layers.map((c) => ({
  ...c,
  onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'],
}));
// Test-only code: specs, the fixtures they share (`testing-fixtures/`), and benchmarks.
const testFiles = ['**/*.spec.ts', '**/*.test.ts', '**/testing-fixtures/**/*.ts', 'tools/bench/**/*.ts'];

// Inside libs/eventing (docs/architecture.md#layers): common/ is the bottom layer and imports only
// itself; ingest/, delivery/ and observe/ build on common/ and not on each other. Specs are left out:
// one may exercise several layers together (a queue body parsed, fanned out, rendered as a request).
const eventingFolderRule = (folder, allowed) => ({
  files: [`libs/eventing/src/${folder}/**/*.ts`],
  ignores: ['**/*.spec.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: allowed ? `^\\.\\.(/(?!${allowed}/)|$)` : '^\\.\\.(/|$)',
            message: `libs/eventing/src/${folder}/ imports ${allowed ? `no sibling folder but ../${allowed}/` : 'nothing above it'} (docs/architecture.md#layers)`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'tmp/**', '.nx/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    ignores: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, depConstraints: layers }],
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, depConstraints: withTesting }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  eventingFolderRule('common'),
  ...['ingest', 'delivery', 'observe'].map((folder) => eventingFolderRule(folder, 'common')),
  {
    // Each app parses the environment once, into its settings object (apps/<app>/src/settings.ts);
    // its main.ts hands process.env over. Libraries and the rest of the apps never read it.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: [...testFiles, 'apps/*/src/main.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            "read the environment in the app's settings loader (apps/<app>/src/settings.ts), passed from main.ts",
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
);
