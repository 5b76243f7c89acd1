import { sleep, waitFor, type WebhookReceiver } from '@spaceport/testing';
import { PartitionConsumers } from '../delivery/partition-consumers';
import { EventDeliveryModule } from '../index';
import { type RunningApp, startTestApp } from './apps';
import { keyInPartition } from './fixtures';
import { postQueue } from './queue-request';
import { type StaticConfigView } from './snapshot';

/** The in-process apps a close is measured against: the gateway the stream goes to, the worker's config. */
export interface DeliveringSetup {
  readonly gateway: RunningApp;
  readonly view: StaticConfigView;
  readonly receiver: WebhookReceiver;
  /** the `tick` events go one to each of these partitions every 50 ms */
  readonly partitions: number;
}

/**
 * Queues one `tick` event per partition every 50 ms until `stop` aborts (at most 2000 rounds); resolves how
 * many were accepted. Refused or failed requests (a failover's 503s) are counted out, not thrown.
 */
export async function steadyStream(setup: DeliveringSetup, stop: AbortSignal): Promise<number> {
  const keys = Array.from({ length: setup.partitions }, (_, p) => keyInPartition(p, setup.partitions));
  let accepted = 0;
  for (let n = 0; n < 2_000 && !stop.aborted; n += 1) {
    const answers = await Promise.all(
      keys.map((partitionKey) =>
        postQueue(setup.gateway.url, { type: 'tick', payload: { n }, partitionKey }).catch(() => undefined),
      ),
    );
    accepted += answers.filter((answer) => answer?.status === 202).length;
    await sleep(50);
  }
  return accepted;
}

/** How a close went: its duration (Infinity: past the bound) and the partitions still stopping then. */
export interface CloseOutcome {
  readonly closeMs: number;
  readonly stillStopping: unknown[];
}

/**
 * Starts an event-worker `nodeId`, streams until it has delivered 20 more, runs `between` (the failure under
 * test), then closes it and waits at most `boundMs` for the close.
 */
export async function closeWhileDelivering(
  setup: DeliveringSetup,
  nodeId: string,
  between: () => Promise<void>,
  boundMs: number,
): Promise<CloseOutcome> {
  const worker = await startTestApp('event-worker', nodeId, EventDeliveryModule, setup.view);
  const stop = new AbortController();
  const stream = steadyStream(setup, stop.signal);
  let closeMs = Infinity;
  let stillStopping: unknown[] = [];
  try {
    const delivered = setup.receiver.received.length;
    await waitFor(() => setup.receiver.received.length >= delivered + 20, { what: 'deliveries under way' });
    await between();
    const started = performance.now();
    const closed = worker.close().then(() => (closeMs = performance.now() - started));
    await Promise.race([closed, sleep(boundMs)]);
    if (closeMs === Infinity) stillStopping = worker.app.get(PartitionConsumers).stillStopping();
  } finally {
    stop.abort();
    await stream;
  }
  return { closeMs, stillStopping };
}
