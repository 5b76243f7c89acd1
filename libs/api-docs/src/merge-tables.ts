/**
 * Pure: several tables keyed by name as one. A key in two of them throws naming it (`kind` says what
 * the keys are): a spread would keep the last one silently.
 */
export function mergeTables<T>(kind: string, ...tables: Record<string, T>[]): Record<string, T> {
  const merged: Record<string, T> = {};
  for (const table of tables) {
    for (const [key, value] of Object.entries(table)) {
      if (Object.hasOwn(merged, key)) throw new Error(`${kind} ${key} is described twice`);
      merged[key] = value;
    }
  }
  return merged;
}
