import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** status this receiver answered */
  readonly status: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly delayMs?: number;
}

/** Decides the reply from the path and how many requests that path had before this one. */
export type Behaviour = (path: string, previousCount: number, webhookId: string) => Reply;

/** A real HTTP receiver on a free loopback port that records every request. */
export class TestReceiver {
  readonly received: Received[] = [];
  private readonly server: Server;
  private readonly counts = new Map<string, number>();
  url = '';

  constructor(private behaviour: Behaviour = () => ({ status: 200 })) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        const previous = this.counts.get(path) ?? 0;
        this.counts.set(path, previous + 1);
        const reply = this.behaviour(path, previous, String(req.headers['webhook-id'] ?? ''));
        const send = (): void => {
          this.received.push({
            path,
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            at: performance.now(),
            status: reply.status,
          });
          res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
        else send();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  setBehaviour(behaviour: Behaviour): void {
    this.behaviour = behaviour;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
