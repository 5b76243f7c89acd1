// The one test webhook receiver: a real node:http server on a free loopback port that answers each
// request as its reply rule says (status, headers, body, delay; or no answer at all, a body that stalls,
// an endless body) and records every request with its headers and body.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** the `webhook-id` header ('' without one) */
  readonly webhookId: string;
  /** `performance.now()` when the request had been read (monotonic: the clock of the test process) */
  readonly at: number;
  /** the status the reply rule chose (a silent reply sends none) */
  readonly status: number;
  /** response body bytes written so far (grows while an endless body is written) */
  readonly bytesSent: number;
}

/** How the response goes after the request was read. */
export interface Reply {
  /** default 200 */
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** answer this long after the request was read (after `until`, with it) */
  readonly delayMs?: number;
  /** hold the answer until this settles (resolved or rejected): a test releases it when it wants */
  readonly until?: Promise<unknown>;
  /**
   * 'complete' (default): the headers and `body`, then the end. 'silent': nothing at all, not even the
   * status line. 'stall': the headers and `body`, then nothing more. 'endless': 64 KiB chunks until the
   * client stops reading (bounded by `endlessBoundBytes`). Silent and stalled responses stay open until
   * close().
   */
  readonly ending?: 'complete' | 'silent' | 'stall' | 'endless';
}

/** Decides the reply from the path, how many requests that path had before this one, and the webhook-id. */
export type ReplyRule = (path: string, previousCount: number, webhookId: string) => Reply;

export interface WebhookReceiverOptions {
  /** an endless body ends here at the latest; default 64 MiB (far above what loopback buffers take in) */
  readonly endlessBoundBytes?: number;
}

type Recorded = { -readonly [K in keyof ReceivedRequest]: ReceivedRequest[K] };

const ENDLESS_CHUNK = Buffer.alloc(65_536, 'x');

/** A real HTTP receiver: `new WebhookReceiver(rule).start()`, then point triggers at `url` + a path. */
export class WebhookReceiver {
  /** every request, in the order they were read */
  readonly received: ReceivedRequest[] = [];
  /** requests per webhook-id */
  readonly countByWebhookId = new Map<string, number>();
  /** `at` of the first request per webhook-id */
  readonly firstArrivalByWebhookId = new Map<string, number>();
  /** `http://127.0.0.1:<port>` once started */
  url = '';
  private readonly server: Server;
  private readonly countByPath = new Map<string, number>();

  constructor(
    private rule: ReplyRule = () => ({ status: 200 }),
    private readonly options: WebhookReceiverOptions = {},
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    // longer than any sender's idle keep-alive, so the server never closes a socket a sender reuses
    this.server.keepAliveTimeout = 60_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  setReplyRule(rule: ReplyRule): void {
    this.rule = rule;
  }

  /** The requests to `path`, in order. */
  on(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Requests beyond the first per webhook-id. */
  duplicateSends(): number {
    let extra = 0;
    for (const n of this.countByWebhookId.values()) extra += n - 1;
    return extra;
  }

  /** Forgets every request seen so far (the per-path counts the rule sees included). */
  clear(): void {
    this.received.length = 0;
    this.countByWebhookId.clear();
    this.firstArrivalByWebhookId.clear();
    this.countByPath.clear();
  }

  /** Ends every connection (silent, stalled and endless responses included) and stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    const path = req.url ?? '/';
    const previous = this.countByPath.get(path) ?? 0;
    this.countByPath.set(path, previous + 1);
    const webhookId = String(req.headers['webhook-id'] ?? '');
    const reply = this.rule(path, previous, webhookId);
    const request: Recorded = {
      path,
      headers: req.headers,
      body,
      webhookId,
      at: performance.now(),
      status: reply.status ?? 200,
      bytesSent: 0,
    };
    this.record(request);
    const go = (): void => {
      if (reply.delayMs) setTimeout(() => this.respond(res, reply, request), reply.delayMs).unref();
      else this.respond(res, reply, request);
    };
    if (reply.until) void reply.until.then(go, go);
    else go();
  }

  private record(request: ReceivedRequest): void {
    this.received.push(request);
    this.countByWebhookId.set(request.webhookId, (this.countByWebhookId.get(request.webhookId) ?? 0) + 1);
    if (!this.firstArrivalByWebhookId.has(request.webhookId))
      this.firstArrivalByWebhookId.set(request.webhookId, request.at);
  }

  private respond(res: ServerResponse, reply: Reply, request: Recorded): void {
    const ending = reply.ending ?? 'complete';
    if (ending === 'silent') return;
    res.writeHead(request.status, reply.headers);
    if (ending === 'endless') return this.writeEndless(res, request);
    const body = reply.body ?? '';
    request.bytesSent = Buffer.byteLength(body);
    // the whole body in end() lets Node declare its length (unless `headers` say chunked)
    if (ending === 'complete') res.end(body);
    else res.write(body);
  }

  /** 64 KiB chunks (no declared length) until the client goes away or the bound is reached. */
  private writeEndless(res: ServerResponse, request: Recorded): void {
    const bound = this.options.endlessBoundBytes ?? 64 * 1_048_576;
    const more = (): void => {
      while (!res.destroyed && request.bytesSent < bound) {
        request.bytesSent += ENDLESS_CHUNK.length;
        if (!res.write(ENDLESS_CHUNK)) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    more();
  }
}
