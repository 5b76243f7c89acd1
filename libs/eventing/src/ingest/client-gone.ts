/** The bit of a node:http response (express's included) this needs. */
export interface ClosableResponse {
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * A signal aborted once the client of `res` has gone away: its connection closed before the response was
 * written (node:http emits `close` then, with `writableFinished` false). Already aborted when it had gone
 * before this was asked for. Made per synchronous call only (queue requests do not pay for it).
 */
export function clientGoneSignal(res: ClosableResponse): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed && !res.writableFinished) controller.abort();
  else res.once('close', () => !res.writableFinished && controller.abort());
  return controller.signal;
}
