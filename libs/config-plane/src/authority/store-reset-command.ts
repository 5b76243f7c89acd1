import { setTimeout as sleep } from 'node:timers/promises';
import { type ConfigStore } from '@spaceport/config-store';
import * as z from 'zod';
import { type StoreResetReply } from '../protocol';
import { type StoreResetGuard } from './store-reset-guard';

const commandSchema = z.object({ action: z.enum(['restore', 'accept']) }).strict();

/** How long a restore waits for the store's watch to show the config back, before answering. */
const RESTORE_SETTLE_MS = 5_000;

/**
 * The operator's answer to a held store reset. `restore` writes the last good config back (each
 * entry a CAS on what the store holds, so nothing written since is overwritten blindly) and waits
 * for the store's watch to show it; `accept` applies what the store holds now.
 */
export async function runStoreResetCommand(
  input: unknown,
  guard: StoreResetGuard,
  store: ConfigStore,
): Promise<Omit<Extract<StoreResetReply, { ok: true }>, 'version'> | Extract<StoreResetReply, { ok: false }>> {
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: 'invalid', message: 'action must be "restore" or "accept"' };
  if (guard.status() === undefined)
    return { ok: false, reason: 'not-reset', message: 'no config store reset is being held' };
  if (parsed.data.action === 'accept') {
    guard.acceptStore();
    return { ok: true, action: 'accept', written: 0, conflicts: 0, resolved: true };
  }
  let written = 0;
  let conflicts = 0;
  try {
    for (const { write, expectedVersion } of guard.restorePlan()) {
      const result = await store.put(write, expectedVersion);
      if (result.ok) written += 1;
      else conflicts += 1;
    }
  } catch (error) {
    return { ok: false, reason: 'unavailable', message: `config store not writable: ${errorName(error)}` };
  }
  for (let waited = 0; guard.status() !== undefined && waited < RESTORE_SETTLE_MS; waited += 50) await sleep(50);
  return { ok: true, action: 'restore', written, conflicts, resolved: guard.status() === undefined };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'store error';
}
