// Benchmark helpers (not a test) for client-side CPU measured in this process: a plain receiver in a
// child process, and short rounds of each path in alternating order (this machine drifts within seconds).
import { spawn } from 'node:child_process';
import { percentile } from './eventing-load';

/** The receiver: plain node:http answering 200 `ok` with its length; prints its port. */
const RECEIVER = `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(200, { 'content-length': '2' }).end('ok')); });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

/** Starts the receiver in a child process (its CPU is not this process's); `url` is its base URL. */
export async function startPlainReceiver(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill() };
}

export interface RoundsOptions {
  /** measured rounds (one more, first, warms up) */
  readonly rounds: number;
  readonly perRound: number;
  readonly inFlight: number;
  /**
   * Another process's CPU as well (e.g. Redis's): `cpuUs` reads its CPU µs used so far, and every
   * measured round's µs per call of each path are pushed to `into[path]`.
   */
  readonly server?: { readonly cpuUs: () => Promise<number>; readonly into: Record<string, number[]> };
}

/**
 * CPU µs per call of each path: every round runs each path `perRound` times with `inFlight` calls at
 * once, in alternating order; `prepare` (not measured) returns the round's call of a path, given the
 * index of the call. Returns the samples of each path, one per measured round.
 */
export async function alternatingRounds(
  names: readonly string[],
  options: RoundsOptions,
  prepare: (name: string) => Promise<(index: number) => Promise<unknown>>,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round <= options.rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const call = await prepare(name);
      let next = 0;
      const server = options.server;
      const serverBefore = await server?.cpuUs();
      const before = process.cpuUsage();
      await Promise.all(
        Array.from({ length: options.inFlight }, async () => {
          while (next < options.perRound) await call(next++);
        }),
      );
      const used = process.cpuUsage(before);
      const serverUsed = server && serverBefore !== undefined ? (await server.cpuUs()) - serverBefore : undefined;
      if (round === 0) continue;
      samples[name]!.push((used.user + used.system) / options.perRound);
      if (server && serverUsed !== undefined) (server.into[name] ??= []).push(serverUsed / options.perRound);
    }
  }
  return samples;
}

/** Table rows: median µs per call of each path and the median of its per-round ratios to the first path. */
export function ratioRows(names: readonly string[], samples: Record<string, number[]>): string[] {
  const base = samples[names[0]!]!;
  return names.map((name) => {
    const ratios = samples[name]!.map((us, i) => us / base[i]!);
    return `| ${name} | ${percentile(samples[name]!, 50).toFixed(1)} µs | ${percentile(ratios, 50).toFixed(2)}× |`;
  });
}
