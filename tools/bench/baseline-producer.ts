// Benchmark helper (not a test): the baseline's ingest process. A minimal node:http endpoint that
// does one BullMQ `queue.add` per POST (for a JSON array, BENCH_BATCH, one `addBulk`) and answers 202,
// so the baseline pays one HTTP ingest hop like Spaceport's gateway (no auth, schema, idempotency,
// event log or fan-out). Started by the benchmark.
// PROTOCOL=1: the "minimal once-only" baseline also logs the event (one HSET, same connection, same
// tick as the add), the least an event log with per-delivery status costs.
// Env: REDIS_URL, PORT, QUEUE, PROTOCOL.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue(process.env['QUEUE'] ?? 'baseline', { connection });
const logEvents = process.env['PROTOCOL'] === '1';

/** Logs (PROTOCOL=1) and enqueues the events of one request: one `add`, or one `addBulk` for a batch (an array). */
async function accept(text: string): Promise<string[]> {
  const parsed = JSON.parse(text) as unknown;
  const events = Array.isArray(parsed) ? parsed : [parsed];
  const ids = events.map(() => (logEvents ? randomUUID() : undefined));
  const logged = ids.map((id, i) =>
    id === undefined
      ? 0
      : connection.hset(
          `ev:${id}`,
          'payload',
          Array.isArray(parsed) ? JSON.stringify(events[i]) : text,
          's:bench',
          'staged',
        ),
  );
  const opts = (id: string | undefined) => ({ ...(id === undefined ? {} : { jobId: id }), removeOnComplete: true });
  const jobs = Array.isArray(parsed)
    ? queue.addBulk(events.map((data, i) => ({ name: 'e', data, opts: opts(ids[i]) })))
    : queue.add('e', parsed, opts(ids[0])).then((job) => [job]);
  const [, added] = await Promise.all([Promise.all(logged), jobs]);
  return added.map((job) => job.id ?? '');
}

const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.writeHead(200).end('ok');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    accept(Buffer.concat(chunks).toString('utf8')).then(
      (ids) =>
        res
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify(ids.length === 1 ? { id: ids[0] } : { ids })),
      (error: unknown) => res.writeHead(503).end(String(error)),
    );
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void queue
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
