// Webhook recorder for the compose end-to-end test (tools/compose/e2e/compose-stack.e2e.ts): run in a
// container of the demo-receiver image on the demo network, it appends every POST as one JSON line
// (the Standard Webhooks headers and the raw body) to /deliveries/deliveries.jsonl, a host directory the
// test reads and verifies with the standardwebhooks library. Answers 204; GET /healthz answers 200.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.env.RECORDER_FILE || '/deliveries/deliveries.jsonl';
const port = Number(process.env.RECORDER_PORT || 4130);
const header = (req, name) => (Array.isArray(req.headers[name]) ? req.headers[name][0] : req.headers[name]) ?? null;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return res.writeHead(200).end('ok');
  if (req.method !== 'POST') return res.writeHead(405).end();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const line = {
      at: new Date().toISOString(),
      path: req.url,
      'webhook-id': header(req, 'webhook-id'),
      'webhook-timestamp': header(req, 'webhook-timestamp'),
      'webhook-signature': header(req, 'webhook-signature'),
      body: Buffer.concat(chunks).toString('utf8'),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    res.writeHead(204).end();
  });
});
server.listen(port, '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
