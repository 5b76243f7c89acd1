#!/usr/bin/env node
// `npm run demo`: seeds project `demo` and a trigger to the demo webhook receiver through the admin
// API (idempotent: it upserts both), queues K events, waits (bounded) until every one is processed,
// and prints where to look. Targets the running `npm start` stack by default (tmp/stack/state.json);
// for docker compose see README ("Demo").
//   npm run demo -- --events 100 --timeout 60
// env: GATEWAY_URL, ADMIN_TOKEN, DEMO_RECEIVER_URL (where the workers deliver), DEMO_WEBHOOK_SECRET
import { parseArgs } from 'node:util';
import { readStackState, stackStateFile } from '../stack/stack-state.mjs';
import {
  DEFAULT_DEMO_WEBHOOK_SECRET,
  DEMO_EVENT_TYPE,
  DEMO_PROJECT_ID,
  DEMO_PROJECT_TOKEN,
  DEMO_RECEIVER_PORT,
  DEMO_TRIGGER_ID,
  LOCAL_ADMIN_TOKEN,
} from './demo-defaults.mjs';

const MAX_EVENTS = 5_000;
const BATCH = 500;
const { values: flags } = parseArgs({
  options: { events: { type: 'string', default: '20' }, timeout: { type: 'string', default: '60' } },
});

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

const events = Number(flags.events);
if (!Number.isInteger(events) || events < 1 || events > MAX_EVENTS)
  fail(`--events: expected 1-${MAX_EVENTS}, got "${flags.events}"`);
const timeoutMs = Number(flags.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600_000)
  fail(`--timeout: expected 1-600 seconds, got "${flags.timeout}"`);

const stack = readStackState(stackStateFile()).state;
const receiverBase = stack?.demoReceiverUrl ?? `http://127.0.0.1:${DEMO_RECEIVER_PORT}`;
const gatewayUrl = (process.env.GATEWAY_URL || stack?.gatewayUrl || 'http://127.0.0.1:4122').replace(/\/$/, '');
const adminToken = process.env.ADMIN_TOKEN || LOCAL_ADMIN_TOKEN;
const receiverUrl = process.env.DEMO_RECEIVER_URL || `${receiverBase}/webhooks`;
const webhookSecret = process.env.DEMO_WEBHOOK_SECRET || DEFAULT_DEMO_WEBHOOK_SECRET;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(method, path, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    fail(
      `no gateway at ${gatewayUrl} (${error instanceof Error ? error.message : String(error)}): start \`npm start\` or \`docker compose up\`, or set GATEWAY_URL`,
    );
  }
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
}

function expectOk(what, res, ok = [200]) {
  if (ok.includes(res.status)) return res.body;
  if (res.status === 401 || res.status === 403)
    fail(`${what}: ${res.status}, the gateway refused ADMIN_TOKEN (set ADMIN_TOKEN to the gateway's admin token)`);
  fail(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Waits (bounded) until every reachable event-worker holds the trigger at `version`, so none cancels a delivery as "trigger deleted". */
async function waitForWorkers(version) {
  const cluster = await call('GET', '/v1/cluster', adminToken);
  const workers = (cluster.body.members ?? []).filter((m) => m.role === 'event-worker' && m.health === 'passing');
  if (workers.length === 0) return sleep(1_000); // standalone: no registry to ask; mirrors apply in milliseconds
  const deadline = Date.now() + 10_000;
  for (const worker of workers) {
    const url = `http://${worker.address}:${worker.port}/readyz`;
    while (Date.now() < deadline) {
      const readyz = await fetch(url, {
        headers: { authorization: `Bearer ${adminToken}` },
        signal: AbortSignal.timeout(1_000),
      }).then(
        (r) => r.json(),
        () => undefined,
      );
      // not reachable from here, or no details for this token (a worker without ADMIN_TOKEN): skip it
      if (readyz?.details === undefined) break;
      if ((readyz.details?.config?.projects?.[DEMO_PROJECT_ID]?.triggers?.[DEMO_TRIGGER_ID] ?? 0) >= version) break;
      await sleep(50);
    }
  }
}

async function seed() {
  const project = { name: 'Demo', secrets: { webhook: [webhookSecret], apiTokens: [DEMO_PROJECT_TOKEN] } };
  let created = await call('POST', `/v1/config/projects/${DEMO_PROJECT_ID}`, adminToken, project);
  // a gateway that just started answers 503 until it holds its first config snapshot
  for (let tries = 0; created.status === 503 && tries < 60; tries += 1) {
    await sleep(250);
    created = await call('POST', `/v1/config/projects/${DEMO_PROJECT_ID}`, adminToken, project);
  }
  expectOk('create project', created);
  const trigger = { type: DEMO_EVENT_TYPE, url: receiverUrl, retries: 5, timeout: 5_000 };
  const saved = expectOk(
    'create trigger',
    await call(
      'POST',
      `/v1/config/projects/${DEMO_PROJECT_ID}/eventing/triggers/${DEMO_TRIGGER_ID}`,
      adminToken,
      trigger,
    ),
  );
  await waitForWorkers(saved.version);
  console.log(
    `seeded: project "${DEMO_PROJECT_ID}", trigger "${DEMO_TRIGGER_ID}" (${DEMO_EVENT_TYPE} → ${receiverUrl})`,
  );
}

async function queue() {
  const ids = [];
  const runId = Date.now().toString(36);
  for (let sent = 0; sent < events; sent += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, events - sent) }, (_, i) => ({
      type: DEMO_EVENT_TYPE,
      payload: { run: runId, n: sent + i + 1, message: 'hello from npm run demo' },
    }));
    const body = expectOk(
      'queue events',
      await call('POST', `/v1/api/${DEMO_PROJECT_ID}/eventing/queue/batch`, DEMO_PROJECT_TOKEN, { events: batch }),
      [202],
    );
    ids.push(...body.events.map((e) => e.eventId));
  }
  console.log(`queued ${ids.length} ${DEMO_EVENT_TYPE} event(s) (run ${runId})`);
  return ids;
}

/** Polls each pending event until it is processed, failed or cancelled, or the timeout passes. */
async function waitProcessed(ids) {
  const status = new Map(ids.map((id) => [id, 'staged']));
  const terminal = new Set(['processed', 'failed', 'cancelled']);
  const deadline = Date.now() + timeoutMs;
  let shown = '';
  while (Date.now() < deadline) {
    const pending = ids.filter((id) => !terminal.has(status.get(id)));
    if (pending.length === 0) break;
    for (let i = 0; i < pending.length; i += 16) {
      await Promise.all(
        pending.slice(i, i + 16).map(async (id) => {
          const res = await call('GET', `/v1/api/${DEMO_PROJECT_ID}/eventing/events/${id}`, DEMO_PROJECT_TOKEN);
          if (res.status === 200) status.set(id, res.body.status);
        }),
      );
    }
    const counts = {};
    for (const s of status.values()) counts[s] = (counts[s] ?? 0) + 1;
    const line = Object.entries(counts)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    if (line !== shown) console.log(`  ${line}`);
    shown = line;
    await sleep(250);
  }
  return status;
}

async function main() {
  await seed();
  const ids = await queue();
  const status = await waitProcessed(ids);
  const processed = [...status.values()].filter((s) => s === 'processed').length;
  const view = await fetch(`${receiverBase}/received`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.json(),
    () => undefined,
  );
  console.log(
    `\n${processed}/${ids.length} event(s) processed${
      processed < ids.length
        ? ` (others: ${[...status.entries()]
            .filter(([, s]) => s !== 'processed')
            .slice(0, 3)
            .map(([id, s]) => `${id} ${s}`)
            .join(', ')}…)`
        : ''
    }.`,
  );
  console.log('Where to look:');
  if (view)
    console.log(
      `  receiver   ${receiverBase}/received   (${view.total} delivery(ies) so far, signatures ${view.signaturesChecked ? 'checked' : 'NOT checked'})`,
    );
  console.log(
    `  events     curl -H 'authorization: Bearer ${DEMO_PROJECT_TOKEN}' ${gatewayUrl}/v1/api/${DEMO_PROJECT_ID}/eventing/events?limit=5`,
  );
  console.log(
    `  one event  curl -H 'authorization: Bearer ${DEMO_PROJECT_TOKEN}' ${gatewayUrl}/v1/api/${DEMO_PROJECT_ID}/eventing/events/${ids[0]}   (with its invocations)`,
  );
  console.log(`  cluster    curl ${gatewayUrl}/v1/cluster   (partition owners; add a worker with \`npm run worker\`)`);
  if (stack?.consulUrl) console.log(`  consul UI  ${stack.consulUrl}/ui`);
  process.exit(processed === ids.length ? 0 : 1);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
