import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { freePorts } from './ports';
import { waitFor } from './wait';

export interface ConsulTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Require client certificates on the HTTPS port. */
  verifyIncoming: boolean;
}

export interface ConsulAgentOptions {
  /** `-dev` (in-memory, the default) or a single persistent server whose data survives restarts. */
  persistent?: boolean;
  /** ACLs on with default deny; the management token is returned as `managementToken`. */
  acl?: boolean;
  /** Serve HTTPS on its own port with these files (plain HTTP stays on for the harness). */
  tls?: ConsulTlsFiles;
}

export interface ConsulAgent {
  /** http://127.0.0.1:<port> */
  readonly httpAddr: string;
  readonly httpPort: number;
  /** https://127.0.0.1:<port> when TLS is on */
  readonly httpsAddr: string | undefined;
  readonly managementToken: string | undefined;
  readonly process: ManagedProcess;
  /**
   * Stops the agent and starts it again on the same ports (and data dir when persistent). `wipe`: a
   * persistent agent loses its data dir first (KV, catalog, sessions), as a `-dev` agent always does.
   */
  restart(options?: { wipe?: boolean }): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  logTail(lines?: number): string;
}

export function consulBin(): string {
  const bin = process.env['CONSUL_BIN'];
  if (!bin) throw new Error('CONSUL_BIN is not set: run `npm run provision` (the test globalSetup does it)');
  return bin;
}

/** Starts a real Consul agent on free loopback ports and waits until it has a leader. */
export async function startConsulAgent(options: ConsulAgentOptions = {}): Promise<ConsulAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'spaceport-consul-'));
  const [http, https, serfLan, server] = await freePorts(4);
  const managementToken = options.acl ? randomUUID() : undefined;
  const config: Record<string, unknown> = {
    node_name: `spaceport-test-${http}`,
    datacenter: 'dc1',
    bind_addr: '127.0.0.1',
    client_addr: '127.0.0.1',
    ports: {
      http,
      https: options.tls ? https : -1,
      dns: -1,
      grpc: -1,
      grpc_tls: -1,
      serf_lan: serfLan,
      serf_wan: -1,
      server,
    },
    log_level: 'info',
    disable_update_check: true,
  };
  if (options.acl) {
    config['acl'] = {
      enabled: true,
      default_policy: 'deny',
      down_policy: 'extend-cache',
      tokens: { initial_management: managementToken, agent: managementToken },
    };
  }
  if (options.tls) {
    config['tls'] = {
      defaults: {
        ca_file: options.tls.caFile,
        cert_file: options.tls.certFile,
        key_file: options.tls.keyFile,
        verify_incoming: options.tls.verifyIncoming,
      },
      internal_rpc: { verify_incoming: false },
    };
  }
  const args = ['agent', '-config-file', join(dir, 'agent.json')];
  if (options.persistent) {
    config['server'] = true;
    config['bootstrap_expect'] = 1;
    config['data_dir'] = join(dir, 'data');
    config['performance'] = { raft_multiplier: 1 };
  } else {
    args.splice(1, 0, '-dev');
  }
  writeFileSync(join(dir, 'agent.json'), JSON.stringify(config, null, 2));

  const proc = new ManagedProcess({
    name: `consul:${http}`,
    command: consulBin(),
    args,
    logFile: join(dir, 'agent.log'),
  });
  const httpAddr = `http://127.0.0.1:${http}`;

  const start = async (): Promise<void> => {
    proc.start();
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`consul exited with ${proc.exitCode}:\n${proc.logTail(20)}`);
        const res = await fetch(`${httpAddr}/v1/status/leader`);
        const leader = (await res.json()) as string;
        return leader !== '' ? true : undefined;
      },
      { what: `consul agent on ${httpAddr} to elect a leader`, timeoutMs: 30_000 },
    );
    // A new leader serves default-mode reads before it has applied its log (a persistent agent's data
    // looks missing for a moment after a restart); consistent reads are refused with a 500 until its
    // leadership barrier is through. Wait for one to succeed.
    await waitFor(
      async () => {
        const res = await fetch(`${httpAddr}/v1/kv/?keys&consistent`, {
          headers: { 'X-Consul-Token': managementToken ?? '' },
        });
        return res.status !== 500 ? true : undefined;
      },
      { what: `consul agent on ${httpAddr} to serve consistent reads`, timeoutMs: 30_000 },
    );
    if (options.acl) {
      // The ACL system bootstraps just after the leader is elected; wait until the token works.
      await waitFor(
        async () =>
          (await fetch(`${httpAddr}/v1/acl/token/self`, { headers: { 'X-Consul-Token': managementToken ?? '' } })).ok,
        { what: 'consul ACL bootstrap', timeoutMs: 30_000 },
      );
    }
  };
  await start();

  return {
    httpAddr,
    httpPort: http,
    httpsAddr: options.tls ? `https://127.0.0.1:${https}` : undefined,
    managementToken,
    process: proc,
    start,
    restart: async ({ wipe = false } = {}) => {
      await proc.stop();
      if (wipe && options.persistent) rmSync(join(dir, 'data'), { recursive: true, force: true });
      await start();
    },
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    logTail: (lines) => proc.logTail(lines),
  };
}
