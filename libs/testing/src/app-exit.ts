import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type AppName, entryOf } from './app-stack';
import { freePort } from './ports';
import { newSigningKey } from './signing-key';

export interface AppExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `app` in `workDir` with `env` (plus PATH, HOST, a free PORT, a new CONFIG_SIGNING_KEY and a
 * config file in `workDir`; `env` may override them, `CONFIG_SIGNING_KEY: ''` leaves it out) and waits, at most 15 s (then SIGKILL), for it to exit: for the start-up refusals.
 */
export async function runAppToExit(app: AppName, workDir: string, env: Record<string, string>): Promise<AppExit> {
  const child = spawn(process.execPath, [entryOf(app)], {
    cwd: workDir,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      CONFIG_PATH: join(workDir, `${app}.yaml`),
      CONFIG_SIGNING_KEY: newSigningKey(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  clearTimeout(killer);
  return { code, stdout, stderr };
}
