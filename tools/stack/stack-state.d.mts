export declare const STACK_STATE_VERSION: 1;

/** What `npm start` writes to tmp/stack/state.json (see stack-state.mjs). */
export interface StackState {
  version: 1;
  pid: number;
  startedAt: string;
  mode: 'distributed' | 'standalone';
  gatewayUrl: string;
  demoReceiverUrl?: string;
  consulUrl?: string;
  /** `npm start -- --redis …`: one node, master + replica + sentinels, or a cluster */
  redisTopology: 'single' | 'sentinel' | 'cluster';
  /** the single node's URL; the other topologies' addresses are in `workerEnv` */
  redisUrl?: string;
  clusterId: string;
  workers: number;
  /** `ADMIN_TOKEN` when the user set one, else `local-default` (the token itself is never written) */
  adminToken: 'ADMIN_TOKEN' | 'local-default';
  /** the config signing key's file (<data dir>/config-signing.key); absent when CONFIG_SIGNING_KEY was set */
  signingKeyFile?: string;
  /** environment every event-worker of the stack runs with (no secrets: no admin token, no signing key) */
  workerEnv: Record<string, string>;
}

export declare function stackStateFile(env?: NodeJS.ProcessEnv): string;
export declare function processAlive(pid: number): boolean;
export declare function workerEnvOf(appEnv: Record<string, string | undefined>): Record<string, string>;
export declare function writeStackState(file: string, state: Omit<StackState, 'version'>): void;
export declare function removeStackState(file: string, pid: number): void;
export declare function readStackState(
  file: string,
  isAlive?: (pid: number) => boolean,
): { state: StackState; error?: undefined } | { error: string; state?: undefined };
export declare function extraWorkerId(randomHex: string): string;
