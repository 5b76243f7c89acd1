// Test fixture: a webhook receiver (node:http) that answers 204 after `latencyMs` (a quick receiver,
// but slow enough that deliveries are in flight when a worker dies) and counts every request by
// `webhook-id`, with the arrival time of each request and of the first one per id.
import { createServer, type Server } from 'node:http';

export interface WebhookReceiver {
  readonly server: Server;
  readonly url: string;
  /** requests per webhook-id */
  readonly counts: Map<string, number>;
  /** time (ms since epoch) of the first request per webhook-id */
  readonly firstArrival: Map<string, number>;
  /** arrival time of every request, in order */
  readonly arrivals: number[];
  close(): Promise<void>;
}

export function startWebhookReceiver(latencyMs = 0): Promise<WebhookReceiver> {
  const counts = new Map<string, number>();
  const firstArrival = new Map<string, number>();
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const now = Date.now();
      const id = String(req.headers['webhook-id'] ?? '');
      arrivals.push(now);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (!firstArrival.has(id)) firstArrival.set(id, now);
      setTimeout(() => res.writeHead(204).end(), latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/hook`, counts, firstArrival, arrivals, close });
    }),
  );
}

/** Requests beyond the first per webhook-id. */
export function duplicateSends(receiver: WebhookReceiver): number {
  let extra = 0;
  for (const n of receiver.counts.values()) extra += n - 1;
  return extra;
}

/** The largest gap between consecutive arrivals inside [from, to). */
export function maxArrivalGap(arrivals: readonly number[], from: number, to: number): number {
  let previous = from;
  let gap = 0;
  for (const at of arrivals) {
    if (at < from) continue;
    if (at >= to) break;
    gap = Math.max(gap, at - previous);
    previous = at;
  }
  return Math.max(gap, to - previous);
}
