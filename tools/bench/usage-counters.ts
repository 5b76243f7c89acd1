// Benchmark helper (not a test): what a run used — Redis commands per event from INFO commandstats
// deltas (commands run inside Lua scripts count too; blocking polls of idle workers as well), and CPU
// time per process from /proc.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

export type CommandCounts = Map<string, number>;

export async function commandCounts(url: string): Promise<CommandCounts> {
  const client = new Redis(url, { lazyConnect: true });
  try {
    await client.connect();
    const info = await client.info('commandstats');
    const counts: CommandCounts = new Map();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(match[1] ?? '', Number(match[2]));
    return counts;
  } finally {
    client.disconnect();
  }
}

function deltasPerEvent(before: CommandCounts, after: CommandCounts, events: number): (readonly [string, number])[] {
  return [...after]
    .map(([name, calls]) => [name, (calls - (before.get(name) ?? 0)) / events] as const)
    .filter(([, d]) => d > 0.01);
}

/** Redis commands per event between two snapshots, by command name (those above 0.01 per event). */
export function commandsPerEvent(before: CommandCounts, after: CommandCounts, events: number): Map<string, number> {
  return new Map(deltasPerEvent(before, after, events));
}

/**
 * A markdown table of commands per event by command name, one column per path (`paths`, in order),
 * sorted by the last path's excess over the first, with a total row.
 */
export function commandTable(paths: readonly (readonly [string, ReadonlyMap<string, number>])[]): string {
  const names = [...new Set(paths.flatMap(([, counts]) => [...counts.keys()]))];
  const of = (counts: ReadonlyMap<string, number>, name: string): number => counts.get(name) ?? 0;
  const [first, last] = [paths[0]?.[1] ?? new Map<string, number>(), paths.at(-1)?.[1] ?? new Map<string, number>()];
  const excess = (name: string): number => of(last, name) - of(first, name);
  const total = (counts: ReadonlyMap<string, number>): number => [...counts.values()].reduce((sum, n) => sum + n, 0);
  const cells = (values: number[]): string => values.map((v) => v.toFixed(2)).join(' | ');
  return [
    `| command | ${paths.map(([label]) => label).join(' | ')} | ${paths.at(-1)?.[0]} − ${paths[0]?.[0]} |`,
    `|---|${paths.map(() => '---|').join('')}---|`,
    ...names
      .sort((x, y) => excess(y) - excess(x) || x.localeCompare(y))
      .map((name) => `| ${name} | ${cells([...paths.map(([, counts]) => of(counts, name)), excess(name)])} |`),
    `| total | ${cells([...paths.map(([, counts]) => total(counts)), total(last) - total(first)])} |`,
  ].join('\n');
}

/** Redis commands per event between two snapshots. */
export function totalPerEvent(before: CommandCounts, after: CommandCounts, events: number): number {
  return deltasPerEvent(before, after, events).reduce((sum, [, d]) => sum + d, 0);
}

/** `total/event` and the top commands per event between two snapshots, as one line. */
export function perEvent(before: CommandCounts, after: CommandCounts, events: number): string {
  const deltas = deltasPerEvent(before, after, events);
  const total = deltas.reduce((sum, [, d]) => sum + d, 0);
  const top = deltas
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(process.env['BENCH_TOP_COMMANDS'] ?? 10))
    .map(([name, d]) => `${name} ${d.toFixed(2)}`)
    .join(', ');
  return `${total.toFixed(1)} Redis commands/event (${top})`;
}

/** CPU time (user + system) a live process has used so far, in ms (Linux /proc; NaN elsewhere). */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ = 100
  } catch {
    return NaN;
  }
}
