import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifyWebhook } from '@spaceport/eventing-core';
import { type ReceiverSettings } from './receiver-settings';

/** Largest request body read; the gateway's own cap (10 MiB payload + envelope) stays below it. */
const MAX_BODY_BYTES = 12 * 1024 * 1024;

/** One delivery as GET /received shows it and as it is logged (headers of interest, never the secret). */
export interface ReceivedDelivery {
  readonly at: string;
  readonly path: string;
  readonly webhookId: string | null;
  readonly webhookTimestamp: string | null;
  /** CloudEvent `id`, `type` and `source` of the body, when it is one */
  readonly eventId: string | null;
  readonly type: string | null;
  readonly source: string | null;
  /** how many times this receiver has seen this `webhook-id` (1 = first; > 1 = a retry or duplicate) */
  readonly attempt: number;
  readonly verified: boolean;
  /** the status this receiver answered */
  readonly status: number;
}

export interface DemoReceiverDeps {
  readonly settings: ReceiverSettings;
  readonly log: (line: Record<string, unknown>) => void;
  readonly now?: () => number;
  readonly random?: () => number;
}

const single = (value: string | string[] | undefined): string | null =>
  Array.isArray(value) ? (value[0] ?? null) : (value ?? null);

function cloudEventFields(body: Buffer): { eventId: string | null; type: string | null; source: string | null } {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return { eventId: null, type: null, source: null };
    const field = (name: string): string | null => {
      const value = (parsed as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : null;
    };
    return { eventId: field('id'), type: field('type'), source: field('source') };
  } catch {
    return { eventId: null, type: null, source: null };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A demo webhook receiver on node:http: POST (any path) takes a delivery — verified against the
 * Standard Webhooks headers when secrets are configured (401 otherwise) — logs one JSON line and keeps
 * the last `keep` deliveries for GET /received; GET /healthz answers 200. `failRate` answers that
 * fraction of verified deliveries with 500, so retries can be watched.
 */
export function createDemoReceiver(deps: DemoReceiverDeps): {
  server: Server;
  received: () => readonly ReceivedDelivery[];
} {
  const { settings, log } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const recent: ReceivedDelivery[] = [];
  const seen = new Map<string, number>();
  let total = 0;

  const remember = (delivery: ReceivedDelivery): void => {
    recent.push(delivery);
    if (recent.length > settings.keep) recent.splice(0, recent.length - settings.keep);
  };

  const attemptOf = (webhookId: string | null): number => {
    if (webhookId === null) return 1;
    const count = (seen.get(webhookId) ?? 0) + 1;
    seen.delete(webhookId);
    seen.set(webhookId, count);
    // bounded memory: forget the oldest ids (Map keeps insertion order)
    if (seen.size > settings.keep * 10) seen.delete(seen.keys().next().value ?? '');
    return count;
  };

  const onDelivery = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    const webhookId = single(req.headers['webhook-id']);
    const webhookTimestamp = single(req.headers['webhook-timestamp']);
    const verification =
      settings.secrets.length === 0
        ? undefined
        : verifyWebhook({
            headers: req.headers,
            body,
            secrets: settings.secrets,
            nowSeconds: Math.floor(now() / 1000),
          });
    if (verification && !verification.ok) {
      log({ level: 'warn', msg: 'webhook refused', path, webhookId, reason: verification.reason });
      return sendJson(res, 401, { error: `signature check failed: ${verification.reason}` });
    }
    const status = random() < settings.failRate ? 500 : 204;
    const delivery: ReceivedDelivery = {
      at: new Date(now()).toISOString(),
      path,
      webhookId,
      webhookTimestamp,
      ...cloudEventFields(body),
      attempt: attemptOf(webhookId),
      verified: verification?.ok === true,
      status,
    };
    total += 1;
    remember(delivery);
    log({ level: 'info', msg: 'webhook received', ...delivery });
    if (status === 500) return sendJson(res, 500, { error: 'failure injected (FAIL_RATE)' });
    res.writeHead(204).end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'POST') {
      onDelivery(req, res, url.pathname).catch((error: unknown) => {
        log({
          level: 'error',
          msg: 'delivery handling failed',
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) sendJson(res, 500, { error: 'receiver error' });
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/healthz')
      return sendJson(res, 200, { status: 'ok', role: 'demo-receiver', received: total });
    if (req.method === 'GET' && url.pathname === '/received') {
      return sendJson(res, 200, {
        total,
        kept: recent.length,
        signaturesChecked: settings.secrets.length > 0,
        deliveries: [...recent].reverse(),
      });
    }
    if (req.method === 'GET')
      return sendJson(res, 404, {
        error: `no route GET ${url.pathname}; try GET /received, GET /healthz or POST a webhook`,
      });
    res.setHeader('allow', 'GET, POST');
    sendJson(res, 405, { error: `method ${req.method ?? ''} not allowed` });
  });
  return { server, received: () => [...recent] };
}
