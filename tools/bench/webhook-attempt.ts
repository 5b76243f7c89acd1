// Benchmark (not a test): CPU per webhook attempt in this process, against a receiver in a child
// process on loopback. Baseline: a bare undici POST on a keep-alive pool. Compared: the same POST with
// an AbortController + timer as its deadline (the previous attempt code), with an AttemptDeadline (the
// current one), and WebhookSender.send (the deadline, the SSRF check and the bounded response read). Rounds alternate the order.
// Run: node node_modules/vite-node/vite-node.mjs --config vitest.config.ts tools/bench/webhook-attempt.ts [requests per round, default 1500; 30 rounds]
import { Agent, request } from 'undici';
import { ssrfPolicy } from '../../libs/eventing/src/delivery/ssrf';
import { AttemptDeadline, WebhookSender } from '../../libs/eventing/src/delivery/webhook-sender';
import { benchEnvironment, writeBenchMarkdown } from './bench-markdown';
import { alternatingRounds, ratioRows, startPlainReceiver } from './in-process-rounds';

async function main(): Promise<void> {
  // many short rounds in alternating order: this machine's speed drifts within seconds
  const perRound = Math.min(Number(process.argv[2] ?? 1_500), 20_000);
  const rounds = 30;
  const receiver = await startPlainReceiver();
  const url = `${receiver.url}/hook`;
  const body = JSON.stringify({
    specversion: '1.0',
    id: '01JEXAMPLE0000000000000000',
    type: 'order.paid',
    data: { orderId: 'o-1', amount: 42 },
  });
  const headers = { 'content-type': 'application/json' };
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const sender = new WebhookSender(ssrfPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] }), 2048);
  const paths: Record<string, () => Promise<unknown>> = {
    'bare undici POST (baseline)': async () =>
      (await request(url, { method: 'POST', body, headers, dispatcher: agent })).body.arrayBuffer(),
    'POST + AbortController deadline (before)': async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 5_000);
      try {
        return await (
          await request(url, { method: 'POST', body, headers, dispatcher: agent, signal: controller.signal })
        ).body.arrayBuffer();
      } finally {
        clearTimeout(timer);
      }
    },
    'POST + AttemptDeadline (now)': async () => {
      const deadline = new AttemptDeadline(5_000);
      try {
        return await (
          await request(url, { method: 'POST', body, headers, dispatcher: agent, signal: deadline.signal() })
        ).body.arrayBuffer();
      } finally {
        deadline.clear();
      }
    },
    'WebhookSender.send (AttemptDeadline)': () => sender.send({ url, headers, body, timeoutMs: 5_000 }),
  };
  const names = Object.keys(paths);
  const samples = await alternatingRounds(names, { rounds, perRound, inFlight: 32 }, async (name) => paths[name]!);
  const rows = ratioRows(names, samples);
  const markdown = [
    `Result (${benchEnvironment()}; ${rounds} rounds of ${perRound} requests, 32 in flight; client-side CPU per request, receiver in another process):`,
    '',
    '| path | CPU per request (median) | ÷ baseline (median of rounds) |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(markdown);
  writeBenchMarkdown(markdown);
  await sender.close();
  await agent.close();
  receiver.stop();
  process.exit(0);
}

void main();
