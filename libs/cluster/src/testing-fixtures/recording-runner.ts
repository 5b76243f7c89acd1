import { type PartitionRunner } from '../partition-runner';

export interface RunnerRecord {
  seq: number;
  at: number;
  node: string;
  partition: number;
  kind: 'start' | 'stop-begin' | 'stop-end';
  epoch?: number;
}

/** A shared, ordered log of every runner call of every in-process worker. */
export class RunnerLog {
  readonly records: RunnerRecord[] = [];
  private seq = 0;

  add(record: Omit<RunnerRecord, 'seq' | 'at'>): void {
    this.records.push({ ...record, seq: this.seq++, at: Date.now() });
  }
}

/**
 * Our PartitionRunner for tests: records calls with timestamps; `stop` takes `stopDelayMs` (the
 * in-flight jobs finishing). Not infrastructure: it is the coordinator's own interface.
 */
export class RecordingRunner implements PartitionRunner {
  readonly running = new Map<number, number>();

  constructor(
    readonly node: string,
    private readonly log: RunnerLog,
    private readonly stopDelayMs = 50,
  ) {}

  async start(partition: number, epoch: number): Promise<void> {
    this.log.add({ node: this.node, partition, kind: 'start', epoch });
    this.running.set(partition, epoch);
  }

  async stop(partition: number): Promise<void> {
    this.log.add({ node: this.node, partition, kind: 'stop-begin' });
    await new Promise((resolve) => setTimeout(resolve, this.stopDelayMs));
    this.running.delete(partition);
    this.log.add({ node: this.node, partition, kind: 'stop-end' });
  }
}

/**
 * Pure: violations of "at most one runner per partition at a time": a start while another node
 * has started the partition and not yet finished stopping it. `excused` nodes (killed) never stop.
 */
export function exclusivityViolations(
  records: readonly RunnerRecord[],
  excused: ReadonlySet<string> = new Set(),
): string[] {
  const active = new Map<number, Set<string>>();
  const violations: string[] = [];
  for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
    const holders = active.get(record.partition) ?? new Set<string>();
    active.set(record.partition, holders);
    if (record.kind === 'start') {
      const others = [...holders].filter((node) => node !== record.node && !excused.has(node));
      if (others.length > 0)
        violations.push(
          `p${record.partition} started by ${record.node} while ${others.join(',')} ran it (seq ${record.seq})`,
        );
      holders.add(record.node);
    } else if (record.kind === 'stop-end') {
      holders.delete(record.node);
    }
  }
  return violations;
}
