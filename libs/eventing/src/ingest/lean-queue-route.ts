import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HttpException, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Logger } from 'pino';
import { UnavailableError } from '../common/http-errors';
import { clientGoneSignal } from './client-gone';
import { IngestService } from './ingest.service';
import { JSON_BODY_LIMIT_BYTES } from './json-body-limit';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** `POST /v1/api/<project>/eventing/queue` and `…/queue/batch` (the hot routes; the rest go through Nest). */
const QUEUE_PATH = /^\/v1\/api\/([^/?#]+)\/eventing\/queue(\/batch)?\/?(?:\?.*)?$/;
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/** A request the lean route takes: its project and whether it is the batch form. */
export interface LeanQueueRequest {
  readonly project: string;
  readonly batch: boolean;
}

/** The project and form of a request the lean route takes, or undefined to leave it to Nest/Express. */
export function leanQueueRequest(
  req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
): LeanQueueRequest | undefined {
  if (req.method !== 'POST' || req.url === undefined) return undefined;
  const match = QUEUE_PATH.exec(req.url);
  const type = req.headers['content-type'];
  // anything unusual (no JSON content type, compressed, oversized by its header) keeps the full stack
  if (!match?.[1] || type === undefined || !JSON_TYPE.test(type)) return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (Number(req.headers['content-length'] ?? 0) > JSON_BODY_LIMIT_BYTES) return undefined;
  try {
    return { project: decodeURIComponent(match[1]), batch: match[2] !== undefined };
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** Reads a JSON body up to the limit: the parsed value, or an HttpException (400 / 413). */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= JSON_BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > JSON_BODY_LIMIT_BYTES) {
        return reject(
          new HttpException(
            {
              statusCode: 413,
              error: 'Payload Too Large',
              message: `request body over ${JSON_BODY_LIMIT_BYTES} bytes`,
            },
            413,
          ),
        );
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        reject(
          new HttpException(
            { statusCode: 400, error: 'Bad Request', message: `body is not valid JSON: ${detail}` },
            400,
          ),
        );
      }
    });
  });
}

/**
 * The queue API's hot routes (single and batch) on plain node:http, in front of Express and Nest's
 * router: the same IngestService call, the same status codes, headers and bodies (an HttpException's
 * response, 500 `Internal server error` otherwise), without Express's routing, body-parser, ETag
 * hashing and Nest's per-request execution context, which cost as much CPU as the work itself
 * (commit e9e14da; the ingest-hop diagnostic of docs/benchmarks.md measures it). Requests it does not take (other routes, non-JSON content types, compressed
 * bodies) reach Express untouched; the Nest controller keeps both routes too, for those and for the
 * OpenAPI document.
 */
@Injectable()
export class LeanQueueRoute implements OnApplicationBootstrap {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly ingest: IngestService,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.host.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    const nestListeners = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const lean = leanQueueRequest(req);
      if (lean !== undefined) return void this.handle(lean, req, res);
      for (const listener of nestListeners) listener.call(server, req, res);
    });
  }

  private async handle({ project, batch }: LeanQueueRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    try {
      const body = await readJson(req);
      const { status, response, replayed } = await this.ingest.queue({
        project,
        authorization: header('authorization'),
        idempotencyKey: header('idempotency-key'),
        body,
        batch,
        clientGone: () => clientGoneSignal(res),
      });
      reply(res, status, response, replayed ? { 'idempotent-replayed': 'true' } : {});
    } catch (error) {
      if (error instanceof HttpException) {
        const headers: Record<string, string> =
          error instanceof UnavailableError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
        const response = error.getResponse();
        reply(
          res,
          error.getStatus(),
          typeof response === 'string' ? { statusCode: error.getStatus(), message: response } : response,
          headers,
        );
        return;
      }
      this.logger.error({ err: error, project }, 'queue request failed');
      reply(res, 500, { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
    }
  }
}
