// The compose healthchecks run for real: each service's probe (bash's /dev/tcp, no Node start per probe)
// against a local HTTP server standing in for the app, with compose's `$$` escape undone and the app's
// port replaced by the server's. Healthy only on a 200 from the right path, within the probe's bound.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(__dirname, '../..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { healthcheck?: { test?: string[] } }>;
};
const probes = Object.entries(compose.services)
  .map(([name, service]) => [name, service.healthcheck?.test ?? []] as const)
  .filter(([, test]) => test[1] === 'bash');

/** The probe as the container runs it, aimed at `port`: compose turns `$$` into `$`. */
function probeScript(test: readonly string[], port: number): { script: string; path: string } {
  const script = (test[3] ?? '')
    .replaceAll('$$', '$')
    .replace(/\/dev\/tcp\/127\.0\.0\.1\/\d+/, `/dev/tcp/127.0.0.1/${port}`);
  return { script, path: /GET (\S+) HTTP/.exec(script)?.[1] ?? '' };
}

/** Runs the probe in bash (asynchronously: the stand-in server answers from this process). */
function runProbe(script: string): Promise<{ status: number | null; ms: number }> {
  const started = Date.now();
  const child = spawn('bash', ['-c', script], { timeout: 10_000, stdio: 'ignore' });
  return new Promise((done) => child.on('exit', (status) => done({ status, ms: Date.now() - started })));
}

describe('compose healthchecks, run against a real HTTP server', () => {
  let server: Server;
  let port = 0;
  let answer: { path: string; status: number } | 'silent' = 'silent';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (answer === 'silent') return; // accepts and never answers
      res.writeHead(req.url === answer.path ? answer.status : 404, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('covers the four Spaceport services', () => {
    expect(probes.map(([name]) => name).sort()).toEqual(['config-service', 'demo-receiver', 'event-worker', 'gateway']);
  });

  it.each(probes)(
    '%s: healthy on 200, unhealthy on 503, a wrong path, a closed port or silence',
    async (_name, test) => {
      const { script, path } = probeScript(test, port);
      expect(path).toMatch(/^\/(readyz|healthz)$/);
      answer = { path, status: 200 };
      expect((await runProbe(script)).status).toBe(0);
      answer = { path, status: 503 };
      expect((await runProbe(script)).status).not.toBe(0);
      answer = { path: '/elsewhere', status: 200 };
      expect((await runProbe(script)).status).not.toBe(0);
      answer = 'silent';
      const silent = await runProbe(script);
      expect(silent.status).not.toBe(0);
      expect(silent.ms).toBeLessThan(5_000); // within compose's `timeout: 5s`
      const closed = probeScript(test, 1); // port 1: nothing listens there
      expect((await runProbe(closed.script)).status).not.toBe(0);
    },
  );
});
