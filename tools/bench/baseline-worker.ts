// Benchmark helper (not a test): the baseline's delivery process. A plain BullMQ worker that POSTs each
// job's data as JSON to TARGET_URL over an undici keep-alive pool. Started by the benchmark.
// Env: REDIS_URL, QUEUE, TARGET_URL, CONCURRENCY, PORT (a /healthz endpoint once the worker runs).
import { createServer } from 'node:http';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';

const target = process.env['TARGET_URL'] ?? 'http://127.0.0.1:1/';
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const worker = new Worker(process.env['QUEUE'] ?? 'baseline', async (job) => {
  const res = await request(target, { method: 'POST', body: JSON.stringify(job.data), headers: { 'content-type': 'application/json' }, dispatcher: agent });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
}, { connection, concurrency: Number(process.env['CONCURRENCY'] ?? 64) });

const health = createServer((_req, res) => void res.writeHead(worker.isRunning() ? 200 : 503).end());
void worker.waitUntilReady().then(() => health.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1'));
process.on('SIGTERM', () => {
  health.close();
  void worker.close().then(() => agent.close()).then(() => connection.quit()).finally(() => process.exit(0));
});
