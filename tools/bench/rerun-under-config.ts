// Benchmark helper (not a test): the entry files re-run their benchmark body under vite-node with
// vitest.config.ts, which provides the @spaceport/* aliases and SWC (Nest needs decorator metadata,
// which plain esbuild does not emit).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs tools/bench/`script` under vite-node with the workspace config (at most 15 min) and exits with its status. */
export function rerunUnderConfig(script: string): never {
  const root = resolve(__dirname, '../..');
  const result = spawnSync(
    process.execPath,
    [
      resolve(root, 'node_modules/vite-node/vite-node.mjs'),
      '--config',
      resolve(root, 'vitest.config.ts'),
      resolve(__dirname, script),
    ],
    { cwd: root, stdio: 'inherit', timeout: 15 * 60_000 },
  );
  process.exit(result.status ?? 1);
}
