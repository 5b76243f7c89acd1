import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { freePort } from './ports';
import { waitFor } from './wait';

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly process: ManagedProcess;
  /**
   * Stops and starts again on the same port and data dir (AOF keeps the data). `wipe`: the AOF is
   * removed first, as a Redis run without persistence (or a failover to an empty replica) loses everything.
   */
  restart(options?: { wipe?: boolean }): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

export function redisServerBin(): string {
  const bin = process.env['REDIS_SERVER_BIN'];
  if (!bin) throw new Error('REDIS_SERVER_BIN is not set: run `npm run provision` (the test globalSetup does it)');
  return bin;
}

/** One PING over a raw socket: true when the server answers +PONG. */
export function pingRedis(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.write('PING\r\n');
  });
}

/** Starts a real redis-server on a free loopback port (AOF on, as production runs it). */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
  ];
  const proc = new ManagedProcess({
    name: `redis:${port}`,
    command: redisServerBin(),
    args,
    logFile: join(dir, 'redis.log'),
  });
  const start = async (): Promise<void> => {
    proc.start();
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`redis-server exited with ${proc.exitCode}:\n${proc.logTail(20)}`);
        return pingRedis(port);
      },
      { what: `redis-server on port ${port}`, timeoutMs: 15_000 },
    );
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    process: proc,
    start,
    restart: async ({ wipe = false } = {}) => {
      await proc.stop();
      if (wipe) rmSync(join(dir, 'appendonlydir'), { recursive: true, force: true });
      await start();
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    logTail: (lines) => proc.logTail(lines),
  };
}

/** The part of an ioredis client that {@link killRedisClientsNamed} needs. */
export interface RedisCommandCaller {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** CLIENT KILLs every connection whose CLIENT SETNAME is `name`; returns how many it killed. */
export async function killRedisClientsNamed(admin: RedisCommandCaller, name: string): Promise<number> {
  const list = String(await admin.call('CLIENT', 'LIST'));
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .flatMap((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? []);
  for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);
  return ids.length;
}
