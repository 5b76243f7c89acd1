import {
  buildSnapshot,
  type ConfigEntry,
  type ConfigKeyError,
  type ConfigSnapshot,
  parseConfigKey,
} from '@spaceport/config-model';

/** One raw KV entry under the config root, key relative to the cluster prefix (`config/...`). */
export interface RawConfigKv {
  key: string;
  value: string | null;
  modifyIndex: number;
}

export interface ConfigKvDecode {
  snapshot: ConfigSnapshot;
  /** the validated entry now in force for each key (a rejected key keeps its last good entry) */
  inForce: Map<string, ConfigEntry>;
  /** rejected keys and snapshot problems, each naming its key (never the value) */
  rejected: ConfigKeyError[];
}

/**
 * Pure: the KV listing of `config/` at `index` → snapshot. A key whose value is unusable (bad JSON,
 * schema failure) is rejected and, when it had a last good entry in `previous`, that entry's value stays
 * in force — junk written straight into Consul never replaces good config — under the junk's
 * ModifyIndex as its version, which a repair's If-Match must name. Deleted keys disappear.
 */
export function decodeConfigKv(
  entries: readonly RawConfigKv[],
  index: number,
  previous: ReadonlyMap<string, ConfigEntry>,
): ConfigKvDecode {
  const inForce = new Map<string, ConfigEntry>();
  const rejected: ConfigKeyError[] = [];
  for (const raw of entries) {
    if (raw.key.endsWith('/') && !raw.value) continue; // folder marker
    const parsed = parseConfigKey(raw.key, raw.value, raw.modifyIndex);
    if (parsed.ok) {
      inForce.set(raw.key, parsed.entry);
      continue;
    }
    rejected.push(parsed.error);
    const lastGood = previous.get(raw.key);
    // the last good value at the junk's version: the version a client reads is the one its write (a
    // repair, CAS on the ModifyIndex) must match, so a repair is one read-modify-write, not a 409 loop
    if (lastGood) inForce.set(raw.key, { ...lastGood, version: raw.modifyIndex });
  }
  const { snapshot, problems } = buildSnapshot([...inForce.values()], index);
  return { snapshot, inForce, rejected: [...rejected, ...problems] };
}
