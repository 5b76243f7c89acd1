// Benchmark helper (not a test): the results block of the redis-memory benchmark, from what the run
// measured (per kind of key: what deleting it freed) and the steady-state model (memory-model.ts) at 500
// events/s with the default retention of this version and of the one before.
import {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_PARTITION_COUNT,
  DEFAULT_RETENTION_MAX_AGE_MS,
  DEFAULT_RETENTION_MAX_COUNT,
} from '@spaceport/config-model';
import { DEFAULT_SENT_RETENTION_MS } from '@spaceport/delivery-ledger';
import { QUEUE_EVENTS_MAX_LEN } from '@spaceport/eventing';
import { benchEnvironment } from './bench-markdown';
import { type KeyKind, type KindCost } from './memory-census';
import { bytesAt, historyHoursIn, hoursUntilFull, type MemoryLayout, type RetainedKind } from './memory-model';

export interface MemoryRun {
  readonly events: number;
  readonly rate: number;
  readonly maxCount: number;
  readonly backlog: number;
  /** used_memory: the empty stack, after the run, with the stack stopped, after deleting every kind */
  readonly baseline: number;
  readonly end: number;
  readonly stopped: number;
  readonly leftOver: number;
  /** used_memory growth per accepted event once the log held maxCount events */
  readonly steadyGrowthPerEvent: number;
  readonly steadyFrom: number;
  readonly sentTtlsMs: readonly number[];
  readonly costs: readonly KindCost[];
}

const MODEL_RATE = 500;
const BUDGET = 16 * 1024 ** 3; // Redis's `maxmemory 16gb`
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PREVIOUS_SENT_RETENTION_MS = 7 * DAY_MS;
const BULLMQ_DEFAULT_EVENTS_MAX_LEN = 10_000;
/** Redis's main and expires hash tables: 8 bytes a slot, 1–2 slots a key; their arrays stay when keys are deleted */
const TABLE_SLOT_BYTES = 12;

/** Bytes per key (per entry for streams and the index), deleting included, hash-table slots added for keys with a TTL. */
function costOf(costs: readonly KindCost[], kind: KeyKind): number {
  const cost = costs.find((c) => c.kind === kind);
  if (!cost || cost.keys === 0) return NaN;
  if (cost.entries > 0) return cost.freed / cost.entries;
  return cost.freed / cost.keys + (cost.withTtl > 0 ? 2 * TABLE_SLOT_BYTES : TABLE_SLOT_BYTES);
}

interface PerEvent {
  /** event hash, invocation list and index entry */
  readonly log: number;
  readonly indexEntry: number;
  readonly sent: number;
  readonly key: number;
  readonly streamEntry: number;
}

function perEventOf(costs: readonly KindCost[]): PerEvent {
  const log = costOf(costs, 'event hash') + costOf(costs, 'invocation list') + costOf(costs, 'event index');
  return {
    log,
    indexEntry: costOf(costs, 'event index'),
    sent: costOf(costs, 'sent record'),
    key: costOf(costs, 'idempotency key'),
    streamEntry: costOf(costs, 'BullMQ events stream'),
  };
}

/** What one event leaves and for how long, with the default retention; `keyed`: share of events under a key. */
function layoutOf(
  per: PerEvent,
  version: 'this' | 'previous',
  keyed: number,
): { rest: MemoryLayout; log: RetainedKind[] } {
  const queues = 2 * DEFAULT_PARTITION_COUNT;
  const streamMaxLen = version === 'this' ? QUEUE_EVENTS_MAX_LEN : BULLMQ_DEFAULT_EVENTS_MAX_LEN;
  const sentMs = (underKey: boolean): number =>
    version === 'previous'
      ? PREVIOUS_SENT_RETENTION_MS
      : DEFAULT_SENT_RETENTION_MS + (underKey ? DEFAULT_IDEMPOTENCY_TTL_MS : 0);
  const rest: MemoryLayout = {
    fixedBytes: queues * streamMaxLen * per.streamEntry,
    kinds: [
      { name: 'sent records', bytesPerEvent: (1 - keyed) * per.sent, retainedMs: sentMs(false) },
      { name: 'sent records', bytesPerEvent: keyed * per.sent, retainedMs: sentMs(true) },
      { name: 'idempotency keys', bytesPerEvent: keyed * per.key, retainedMs: DEFAULT_IDEMPOTENCY_TTL_MS },
    ],
  };
  const maxAge = DEFAULT_RETENTION_MAX_AGE_MS;
  const maxEvents = DEFAULT_RETENTION_MAX_COUNT;
  const log: RetainedKind[] =
    version === 'this'
      ? [{ name: 'event log', bytesPerEvent: per.log, retainedMs: maxAge, maxEvents }]
      : // the index was pruned by count, the event hashes and invocation lists were left to maxAgeMs
        [
          { name: 'event index', bytesPerEvent: per.indexEntry, retainedMs: maxAge, maxEvents },
          { name: 'event hashes', bytesPerEvent: per.log - per.indexEntry, retainedMs: maxAge },
        ];
  return { rest, log };
}

/** GiB, MiB below one GiB, — for nothing. */
const gib = (bytes: number): string =>
  bytes === 0
    ? '—'
    : bytes < 1024 ** 3
      ? `${(bytes / 1024 ** 2).toFixed(0)} MiB`
      : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const n = (value: number): string => Math.round(value).toLocaleString('en-US');

function scenarioRow(per: PerEvent, version: 'this' | 'previous', keyed: number): { row: string; steady: number } {
  const { rest, log } = layoutOf(per, version, keyed);
  const all: MemoryLayout = { ...rest, kinds: [...rest.kinds, ...log] };
  const steady = bytesAt(all, MODEL_RATE, Number.POSITIVE_INFINITY);
  const part = (kinds: RetainedKind[]): string => gib(bytesAt({ kinds, fixedBytes: 0 }, MODEL_RATE, Infinity));
  const full = hoursUntilFull(all, MODEL_RATE, BUDGET);
  const history = historyHoursIn(rest, per.log, MODEL_RATE, BUDGET);
  const historyCell =
    history === 0
      ? 'none'
      : `${history.toFixed(1)} h (maxCount ≈ ${((history * 3_600 * MODEL_RATE) / 1e6).toFixed(1)} million)`;
  const label = `${version === 'this' ? 'this version' : 'previous version'}, ${keyed === 0 ? 'no Idempotency-Key' : 'every event under a key'}`;
  const cells = [
    label,
    part(log),
    part(rest.kinds.slice(0, 2)),
    part(rest.kinds.slice(2)),
    gib(rest.fixedBytes),
    `**${gib(steady)}**`,
    full === undefined ? 'never' : `${full.toFixed(1)} h`,
    historyCell,
  ];
  return { row: `| ${cells.join(' | ')} |`, steady };
}

function kindRows(run: MemoryRun): string[] {
  return run.costs
    .filter((cost) => cost.keys > 0)
    .map((cost) => {
      const per = cost.entries > 0 ? `${n(cost.freed / cost.entries)} per entry` : n(cost.freed / cost.keys);
      const usage = n(cost.memoryUsage / (cost.entries > 0 ? cost.entries : cost.keys));
      const count = cost.entries > 0 ? `${n(cost.keys)} (${n(cost.entries)} entries)` : n(cost.keys);
      return `| ${cost.kind} | ${count} | ${per} | ${usage} | ${mb(cost.freed)} |`;
    });
}

/** The results block of docs/benchmarks.md. */
export function memoryMarkdown(run: MemoryRun): string {
  const per = perEventOf(run.costs);
  const ttlHours = run.sentTtlsMs.map((ttl) => ttl / HOUR_MS);
  const shortTtl = ttlHours.filter((h) => h <= 1).length;
  const rows = (['this', 'previous'] as const).flatMap((version) => [0, 1].map((k) => scenarioRow(per, version, k)));
  const ratio = (k: number): string => (rows[k]!.steady / rows[k + 2]!.steady).toFixed(3);
  return [
    `Result (${benchEnvironment()}; ${n(run.events)} events of a 330-byte payload at ${run.rate}/s, every other one under an Idempotency-Key, one trigger, retention.maxCount ${n(run.maxCount)}; then ${run.backlog} queued with the worker stopped):`,
    '',
    '| kind of key | keys | bytes each (freed by deleting them) | MEMORY USAGE each | total |',
    '|---|---|---|---|---|',
    ...kindRows(run),
    '',
    `used_memory: empty stack ${mb(run.baseline)}, after the run ${mb(run.end)} (+${mb(run.end - run.baseline)});` +
      ` after the backlog and with the stack stopped ${mb(run.stopped)}, after deleting every kind above ${mb(run.leftOver)}.` +
      ` Growth per accepted event once the log held maxCount (events ${n(run.steadyFrom)}–${n(run.events)}): ${n(run.steadyGrowthPerEvent)} bytes.` +
      ` Sent-record TTLs sampled: ${shortTtl} ≤ 1 h, ${ttlHours.length - shortTtl} > 24 h (max ${Math.max(...ttlHours).toFixed(2)} h).`,
    '',
    `Per accepted event (Redis's hash-table slots included, ${2 * TABLE_SLOT_BYTES} bytes a key with a TTL): event log entry **${n(per.log)} bytes**` +
      ` (event hash, invocation list, index entry), sent record **${n(per.sent)}**, idempotency key **${n(per.key)}**; a BullMQ events stream entry ${n(per.streamEntry)}.`,
    '',
    `Steady state at ${MODEL_RATE} events/s with the default retention (one project: maxCount ${n(DEFAULT_RETENTION_MAX_COUNT)}, maxAgeMs 7 days;` +
      ` sent records ${DEFAULT_SENT_RETENTION_MS / HOUR_MS} h, plus the key TTL ${DEFAULT_IDEMPOTENCY_TTL_MS / HOUR_MS} h under a key; previous version: sent records 7 days,` +
      ` count-pruned events kept to maxAgeMs, BullMQ's 10 000 stream entries per queue), 16 GiB = \`maxmemory 16gb\`:`,
    '',
    '| at 500 events/s | event log | sent records | idempotency keys | BullMQ streams | total | 16 GiB full after | log 16 GiB could hold beside the rest |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => r.row),
    '',
    `This version ÷ previous, steady state at ${MODEL_RATE}/s: **${ratio(0)}** without keys, **${ratio(1)}** with every event under a key.`,
  ].join('\n');
}
