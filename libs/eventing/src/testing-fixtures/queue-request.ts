import { TOKEN } from './fixtures';

/** How the queue API answered one POST: status, `Retry-After`, body, and how long it took. */
export interface QueueAnswer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
  elapsedMs: number;
}

/** POSTs `event` to project shop's queue API at `gatewayUrl` with the fixtures' token and `headers`. */
export async function postQueue(
  gatewayUrl: string,
  event: object,
  headers: Record<string, string> = {},
): Promise<QueueAnswer> {
  const startedAt = performance.now();
  const res = await fetch(`${gatewayUrl}/v1/api/shop/eventing/queue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(event),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body,
    elapsedMs: performance.now() - startedAt,
  };
}
