import { readFileSync } from 'node:fs';

/** One JSON line printed by cluster-worker-child.ts. */
export interface ChildLine {
  event: string;
  at: number;
  nodeId: string;
  partition?: number;
  epoch?: number;
  generation?: number;
}

/** A child worker as the SIGKILL test and the benchmark see it. */
export interface ChildView {
  nodeId: string;
  running: boolean;
  lines(): ChildLine[];
}

export function readChildLines(file: string): ChildLine[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as ChildLine];
    } catch {
      return [];
    }
  });
}

/** Partition → live nodes running it, from the children's start/stop-end lines. */
export function runningNow(children: readonly ChildView[]): Map<number, string[]> {
  const running = new Map<number, string[]>();
  for (const child of children.filter((c) => c.running)) {
    const state = new Map<number, boolean>();
    for (const line of child.lines()) {
      if (line.partition === undefined) continue;
      if (line.event === 'start') state.set(line.partition, true);
      if (line.event === 'stop-end') state.set(line.partition, false);
    }
    for (const [partition, on] of state)
      if (on) running.set(partition, [...(running.get(partition) ?? []), child.nodeId]);
  }
  return running;
}

/**
 * Every partition of P runs on exactly one live node, and the assignment is balanced over every live
 * child: each runs floor(P/n) or ceil(P/n) partitions. Without the balance condition a child that
 * registered late (slow start under load) looks "settled" with nothing, and a test that picks it as
 * the victim has no partitions to watch move.
 */
export function settledOn(children: readonly ChildView[], partitionCount: number): boolean {
  const running = runningNow(children);
  if (running.size !== partitionCount || ![...running.values()].every((nodes) => nodes.length === 1)) return false;
  const live = children.filter((c) => c.running);
  const perChild = new Map<string, number>(live.map((c) => [c.nodeId, 0]));
  for (const [node] of running.values()) perChild.set(node!, (perChild.get(node!) ?? 0) + 1);
  const low = Math.floor(partitionCount / live.length);
  const high = Math.ceil(partitionCount / live.length);
  return [...perChild.values()].every((count) => count >= low && count <= high);
}

/** A child leads when its last elected/lost line is `elected`. */
export function childLeads(child: ChildView): boolean {
  const transitions = child.lines().filter((line) => line.event === 'elected' || line.event === 'lost');
  return child.running && transitions.at(-1)?.event === 'elected';
}

/** ms from `killedAt` until every partition in `partitions` was started by one of `survivors`; undefined = not yet. */
export function restartedAfter(
  survivors: readonly ChildView[],
  partitions: readonly number[],
  killedAt: number,
): number | undefined {
  const starts = survivors.flatMap((c) => c.lines()).filter((line) => line.event === 'start' && line.at > killedAt);
  const times = partitions.map((p) => starts.find((line) => line.partition === p)?.at);
  return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) - killedAt : undefined;
}
