// Benchmark (not a test): CPU per webhook attempt in this process, against a receiver in a child
// process on loopback. Baseline: a bare undici POST on a keep-alive pool. Compared: the same POST with
// an AbortController + timer as its deadline (the previous attempt code), with an AttemptDeadline (the
// current one), and WebhookSender.send (the deadline, the SSRF check and the bounded response read). Rounds alternate the order.
// Run: node node_modules/vite-node/vite-node.mjs --config vitest.config.ts tools/bench/webhook-attempt.ts [requests per round, default 1500; 30 rounds]
import { spawn } from 'node:child_process';
import { Agent, request } from 'undici';
import { ssrfPolicy } from '../../libs/eventing/src/delivery/ssrf';
import { AttemptDeadline, WebhookSender } from '../../libs/eventing/src/delivery/webhook-sender';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { percentile } from './eventing-load';

/** The receiver: plain node:http answering 200 `ok`; prints its port. */
const RECEIVER = `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(200, { 'content-length': '2' }).end('ok')); });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

async function main(): Promise<void> {
  // many short rounds in alternating order: this machine's speed drifts within seconds
  const perRound = Math.min(Number(process.argv[2] ?? 1_500), 20_000);
  const rounds = 30;
  const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => receiver.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  const url = `http://127.0.0.1:${port}/hook`;
  const body = JSON.stringify({ specversion: '1.0', id: '01JEXAMPLE0000000000000000', type: 'order.paid', data: { orderId: 'o-1', amount: 42 } });
  const headers = { 'content-type': 'application/json' };
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const sender = new WebhookSender(ssrfPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] }), 2048);
  const paths: Record<string, () => Promise<unknown>> = {
    'bare undici POST (baseline)': async () => (await request(url, { method: 'POST', body, headers, dispatcher: agent })).body.arrayBuffer(),
    'POST + AbortController deadline (before)': async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 5_000);
      try {
        return await (await request(url, { method: 'POST', body, headers, dispatcher: agent, signal: controller.signal })).body.arrayBuffer();
      } finally {
        clearTimeout(timer);
      }
    },
    'POST + AttemptDeadline (now)': async () => {
      const deadline = new AttemptDeadline(5_000);
      try {
        return await (await request(url, { method: 'POST', body, headers, dispatcher: agent, signal: deadline.signal() })).body.arrayBuffer();
      } finally {
        deadline.clear();
      }
    },
    'WebhookSender.send (AttemptDeadline)': () => sender.send({ url, headers, body, timeoutMs: 5_000 }),
  };
  const names = Object.keys(paths);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round <= rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      let next = 0;
      const before = process.cpuUsage();
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next++ < perRound) await paths[name]!();
      }));
      const used = process.cpuUsage(before);
      if (round > 0) samples[name]!.push((used.user + used.system) / perRound); // round 0 warms up
    }
  }
  const base = samples[names[0]!]!;
  const rows = names.map((name) => {
    const ratios = samples[name]!.map((us, i) => us / base[i]!);
    return `| ${name} | ${percentile(samples[name]!, 50).toFixed(1)} µs | ${percentile(ratios, 50).toFixed(2)}× |`;
  });
  const markdown = [
    `Result (${benchEnvironment()}; ${rounds} rounds of ${perRound} requests, 32 in flight; client-side CPU per request, receiver in another process):`,
    '', '| path | CPU per request (median) | ÷ baseline (median of rounds) |', '|---|---|---|', ...rows,
  ].join('\n');
  console.log(markdown);
  writeBenchMarkdown(markdown);
  await sender.close();
  await agent.close();
  receiver.kill();
  process.exit(0);
}

void main();
