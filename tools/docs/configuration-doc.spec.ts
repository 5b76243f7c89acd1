// docs/configuration.md is kept true by this test: every variable and flag an app or tool reads is
// documented there, and everything documented there is read by something.
// - The apps' settings loaders run against an env that records each variable they read (standalone
//   and distributed), so an app's list is what its code reads, not what a grep guesses.
// - The stack, demo and provisioning scripts and the test harness are scanned for env reads and flags.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigServiceSettings } from '../../apps/config-service/src/settings';
import { parseReceiverSettings } from '../../apps/demo-receiver/src/receiver-settings';
import { loadEventWorkerSettings } from '../../apps/event-worker/src/settings';
import { loadGatewaySettings } from '../../apps/gateway/src/settings';

const ROOT = resolve(__dirname, '../..');
/** Read by the scripts, but the operating system's rather than Spaceport's. */
const SYSTEM_VARIABLES = new Set(['PATH', 'HOME']);

interface DocumentedSettings {
  variables: Set<string>;
  harnessVariables: Set<string>;
  flags: Set<string>;
}

/** Rows `| `VARIABLE` | `--flag` … | default | meaning |` of every table; the "Test harness" section apart. */
function readConfigurationDoc(): DocumentedSettings {
  const doc: DocumentedSettings = { variables: new Set(), harnessVariables: new Set(), flags: new Set() };
  let harness = false;
  for (const line of readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8').split('\n')) {
    const heading = /^#{1,4}\s+(.*)$/.exec(line);
    if (heading) harness = /test harness/i.test(heading[1] ?? '');
    if (!line.startsWith('|')) continue;
    const [variableCell = '', flagCell = ''] = line.split('|').slice(1);
    const variable = /^\s*`([A-Z][A-Z0-9_]*)`\s*$/.exec(variableCell)?.[1];
    if (variable) (harness ? doc.harnessVariables : doc.variables).add(variable);
    for (const flag of flagCell.matchAll(/`(--[a-z][a-z-]*)/g)) doc.flags.add(flag[1] ?? '');
  }
  return doc;
}

/** Runs `load` against an env that records every variable read; a refusal still counts what was read. */
async function variablesRead(
  load: (env: NodeJS.ProcessEnv) => unknown,
  base: NodeJS.ProcessEnv = {},
): Promise<Set<string>> {
  const read = new Set<string>();
  const env = new Proxy(base, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  await load(env);
  return read;
}

const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** a valid CONFIG_SIGNING_KEY (32 bytes, base64url) */
const SIGNING_KEY = Buffer.alloc(32, 7).toString('base64url');

async function appVariables(): Promise<Set<string>> {
  const loaders = [loadGatewaySettings, loadEventWorkerSettings, loadConfigServiceSettings];
  const read = new Set<string>();
  for (const load of loaders) {
    for (const argv of [[], ['--enable-consul']]) {
      for (const name of await variablesRead((env) => load(argv, env), { CONFIG_SIGNING_KEY: SIGNING_KEY }))
        read.add(name);
    }
  }
  for (const name of await variablesRead(parseReceiverSettings, { WEBHOOK_SECRET: WHSEC })) read.add(name);
  return read;
}

function sourceFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

/** `env.NAME`, `env['NAME']` (process.env or an env passed in) and provisioning's `envVar: 'NAME'`. */
const ENV_READ = /\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])|envVar:\s*'([A-Z][A-Z0-9_]*)'/g;

function scannedVariables(files: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(ENV_READ)) {
      const name = match[1] ?? match[2] ?? match[3] ?? '';
      if (!SYSTEM_VARIABLES.has(name)) found.add(name);
    }
  }
  return found;
}

/** Flags of parseArgs option tables (`name: { type: … }`) and `argv.includes('--name')` checks. */
function scannedFlags(files: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/'?([a-z][a-z-]*)'?\s*:\s*\{\s*type:\s*'(?:string|boolean)'/g)) {
      found.add(`--${match[1] ?? ''}`);
    }
    for (const match of text.matchAll(/argv\.(?:includes|indexOf)\('(--[a-z][a-z-]*)'\)/g)) found.add(match[1] ?? '');
  }
  return found;
}

const TOOL_FILES = [
  ...['tools/stack', 'tools/demo', 'tools/provision'].flatMap((dir) => sourceFiles(dir, /\.mjs$/)),
  ...sourceFiles('tools/bench', /(?<!\.spec)\.(ts|mjs)$/),
];
const HARNESS_FILES = [
  ...sourceFiles('libs/testing/src', /(?<!\.spec)\.ts$/),
  ...['apps', 'libs']
    .flatMap((dir) => sourceFiles(dir, /\.(m?js|ts)$/))
    .filter((f) => f.includes('/testing-fixtures/')),
  'vitest.config.ts',
];
/** The identity flags every app takes (parseNodeOptions' table). */
const APP_FLAG_FILES = sourceFiles('libs/runtime-core/src', /^node-options\.ts$/);

/** `--config`, which the config plane takes from the arguments parseNodeOptions leaves (not a table). */
async function configPathFlag(): Promise<string[]> {
  const settings = await loadConfigServiceSettings(['--config', 'probe.yaml'], { CONFIG_SIGNING_KEY: SIGNING_KEY });
  return settings.configPlane.configPath === 'probe.yaml' ? ['--config'] : [];
}

const sorted = (set: Iterable<string>): string[] => [...set].sort();
const missing = (from: Iterable<string>, within: Set<string>): string[] =>
  sorted([...from].filter((x) => !within.has(x)));

describe('docs/configuration.md', () => {
  const doc = readConfigurationDoc();

  it('finds the tables it checks', () => {
    expect(doc.variables.size).toBeGreaterThan(30);
    expect(doc.harnessVariables.size).toBeGreaterThan(0);
    expect(APP_FLAG_FILES).toEqual(['libs/runtime-core/src/node-options.ts']);
  });

  it('documents every variable the apps read', async () => {
    expect(missing(await appVariables(), doc.variables)).toEqual([]);
  });

  it('documents every variable npm start, npm run worker/demo/bench and provisioning read', () => {
    expect(missing(scannedVariables(TOOL_FILES), doc.variables)).toEqual([]);
  });

  it('documents every variable of the test harness', () => {
    expect(missing(scannedVariables(HARNESS_FILES), doc.harnessVariables)).toEqual([]);
  });

  it('documents nothing that no code reads', async () => {
    const read = new Set([...(await appVariables()), ...scannedVariables(TOOL_FILES)]);
    expect(missing(doc.variables, read)).toEqual([]);
    const harnessRead = new Set([...scannedVariables(HARNESS_FILES), ...scannedVariables(TOOL_FILES)]);
    expect(missing(doc.harnessVariables, harnessRead)).toEqual([]);
  });

  it('documents exactly the flags the apps and tools take', async () => {
    const flags = new Set([...scannedFlags(APP_FLAG_FILES), ...(await configPathFlag()), ...scannedFlags(TOOL_FILES)]);
    expect(missing(flags, doc.flags)).toEqual([]);
    expect(missing(doc.flags, flags)).toEqual([]);
  });
});
