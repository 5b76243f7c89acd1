// Benchmark (not a test): time from a Consul KV write to "applied" in every app.
// 1 config-service + 1 gateway + 3 event-workers (built entries; `npm run bench` builds first), a real
// consul agent and redis-server. Each change is a trigger written straight into KV (Consul txn, which
// returns the ModifyIndex); an app has applied it when it logs "config applied" with a version ≥ that
// index. Baseline in the same run: a raw Consul blocking query from this process on the same prefix.
// Run: npm run bench -- config-propagation   (BENCH_CHANGES=n, default 200)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEnvironment, consulVersion, writeBenchMarkdown } from './bench-markdown';
import { AppStack, provisionIntoEnv, sleep, startConsulAgent, startRedisServer } from './testing-harness';

const CHANGES = Math.max(1, Number(process.env['BENCH_CHANGES'] ?? 200));
const SPACING_MS = 30;
const PREFIX = 'spaceport/bench/config/';

async function kvWrite(consul: string, key: string, value: unknown): Promise<{ index: number; at: number }> {
  const at = Date.now();
  const body = [
    { KV: { Verb: 'set', Key: `${PREFIX}${key}`, Value: Buffer.from(JSON.stringify(value)).toString('base64') } },
  ];
  const res = await fetch(`${consul}/v1/txn`, { method: 'PUT', body: JSON.stringify(body) });
  const json = (await res.json()) as { Results: { KV: { ModifyIndex: number } }[] };
  return { index: json.Results[0]?.KV.ModifyIndex ?? 0, at };
}

/** Raw baseline: a blocking query loop in this process; records when each index was first seen. */
function rawWatch(consul: string, seen: Map<number, number>, stop: { done: boolean }): Promise<void> {
  return (async () => {
    let index = 0;
    while (!stop.done) {
      const res = await fetch(`${consul}/v1/kv/${PREFIX}?recurse&index=${index}&wait=5s`).catch(() => undefined);
      const next = Number(res?.headers.get('x-consul-index') ?? index);
      await res?.arrayBuffer();
      if (next > index) seen.set(next, Date.now());
      index = next;
    }
  })();
}

function appliedTimes(logFile: string): { version: number; at: number }[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"config applied"'))
    .map((line) => JSON.parse(line) as { version: number; time: string })
    .map((line) => ({ version: line.version, at: Date.parse(line.time) }));
}

const firstAtOrAfter = (applied: { version: number; at: number }[], index: number) =>
  applied.find((a) => a.version >= index)?.at;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};

async function main(): Promise<void> {
  provisionIntoEnv();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-bench-config-'));
  const consul = await startConsulAgent();
  const redis = await startRedisServer();
  const stack = new AppStack({
    workDir,
    redisUrl: redis.url,
    consulAddr: consul.httpAddr,
    clusterId: 'bench',
    adminToken: 'bench-admin-token-0123456789',
    readToken: 'bench-read-token-0123456789',
    heartbeat: '1s',
    logLevel: 'debug',
  });
  const stop = { done: false };
  try {
    await stack.launch('config-service', 'config-service');
    await Promise.all([
      stack.launch('gateway', 'gateway'),
      ...[1, 2, 3].map((n) => stack.launch('event-worker', `worker-${n}`)),
    ]);
    await kvWrite(consul.httpAddr, 'projects/bench', {
      name: 'Bench',
      secrets: { webhook: [`whsec_${Buffer.alloc(32, 3).toString('base64')}`] },
    });
    await stack.waitForMirrors('bench project everywhere', (s) => s.config.projects['bench'] !== undefined, 15_000);
    const seen = new Map<number, number>();
    const watching = rawWatch(consul.httpAddr, seen, stop);
    await sleep(200);
    const writes: { index: number; at: number }[] = [];
    for (let i = 0; i < CHANGES; i += 1) {
      writes.push(
        await kvWrite(consul.httpAddr, `projects/bench/triggers/t${i % 20}`, {
          type: 'bench.event',
          url: `https://bench.example.com/${i}`,
        }),
      );
      await sleep(SPACING_MS);
    }
    await sleep(2_000);
    stop.done = true;
    const mirrors = stack.apps.filter((a) => a.app !== 'config-service');
    const perApp = mirrors.map((app) => ({ app, applied: appliedTimes(app.logFile) }));
    const everyApp: number[] = [];
    let missing = 0;
    for (const write of writes) {
      const times = perApp.map(({ applied }) => firstAtOrAfter(applied, write.index));
      if (times.some((t) => t === undefined)) missing += 1;
      else everyApp.push(Math.max(...(times as number[])) - write.at);
    }
    const baseline = writes
      .map(
        (w) =>
          [...seen.entries()]
            .filter(([index]) => index >= w.index)
            .map(([, at]) => at)
            .sort((a, b) => a - b)[0],
      )
      .filter((t): t is number => t !== undefined);
    const raw = summary(baseline.map((at, i) => at - (writes[i]?.at ?? at)));
    const plane = summary(everyApp);
    console.log(
      JSON.stringify(
        {
          changes: CHANGES,
          spacingMs: SPACING_MS,
          apps: mirrors.length,
          missing,
          allAppsMs: plane,
          rawConsulWatchMs: raw,
          ratioP50: plane.p50 / Math.max(1, raw.p50),
        },
        null,
        2,
      ),
    );
    writeBenchMarkdown(
      [
        `Result (${benchEnvironment()}; ${consulVersion()} \`-dev\`; ${CHANGES} changes ${SPACING_MS} ms apart, ${missing} missing):`,
        '',
        '| path | p50 | p99 | max |',
        '|---|---|---|---|',
        `| KV write → applied in all ${mirrors.length} apps | ${plane.p50} ms | ${plane.p99} ms | ${plane.max} ms |`,
        `| KV write → raw Consul blocking-query return (baseline) | ${raw.p50} ms | ${raw.p99} ms | ${raw.max} ms |`,
        '',
        `Ratio p50 ≈ ${(plane.p50 / Math.max(1, raw.p50)).toFixed(1)}× the raw watch. Goal p99 < 100 ms: ${plane.p99 < 100 && missing === 0 ? 'met' : 'not met'}.`,
      ].join('\n'),
    );
    await Promise.race([watching, sleep(6_000)]);
  } finally {
    await stack.stopAll();
    await redis.stop();
    await consul.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

void main();
