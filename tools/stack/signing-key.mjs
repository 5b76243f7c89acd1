// The local stack's config signing key (docs/config-plane.md#authenticated-messages): CONFIG_SIGNING_KEY
// when the user set one, else `<data dir>/config-signing.key`, made on the first run (32 random bytes,
// base64url, mode 0600) and kept, so a restarted stack and `npm run worker` use the same key.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'config-signing.key';

/** `{ key, file }`: the key, and the file it is kept in (undefined when it came from the environment). */
export function stackSigningKey(dataDir, env = process.env) {
  if (env.CONFIG_SIGNING_KEY) return { key: env.CONFIG_SIGNING_KEY, file: undefined };
  const file = join(dataDir, SIGNING_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error?.code !== 'EEXIST') throw error;
    // kept from an earlier run: readable by its owner only, as it was made
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
  return { key: readSigningKeyFile(file), file };
}

/** The key in `file` (one line); an empty file is an error naming it. */
export function readSigningKeyFile(file) {
  const key = readFileSync(file, 'utf8').trim();
  if (!key) throw new Error(`${file} is empty: delete it and restart \`npm start\` (a new key is made)`);
  return key;
}
