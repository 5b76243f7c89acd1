import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, parseBoolean } from './config-error';

export type NodeRole = 'gateway' | 'config-service' | 'event-worker';

/** Identity and mode of one Spaceport instance, from flags and environment (flag beats env). */
export interface NodeOptions {
  role: NodeRole;
  /** `--id` / `NODE_ID`; generated (`<role>-<12 hex>`) when absent */
  nodeId: string;
  /** whether the id was generated rather than given */
  nodeIdGenerated: boolean;
  /** `--enable-consul` / `ENABLE_CONSUL`: distributed mode */
  enableConsul: boolean;
  /** `--no-register` / `CONSUL_REGISTER=false`: the operator registers instances in Consul */
  register: boolean;
  /** `--service-name` / `CONSUL_SERVICE_NAME`, default `space-cloud` */
  serviceName: string;
  /** `--cluster` / `CLUSTER_ID`, default `default`: names the KV prefix and the `cluster:` tag */
  clusterId: string;
  /** `--port` / `PORT`: HTTP port of the instance */
  port: number;
  /** arguments this parser does not know, left for the app */
  rest: string[];
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const DEFAULT_PORTS: Record<NodeRole, number> = { gateway: 4122, 'config-service': 4124, 'event-worker': 4126 };

function pickString(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined) return flag;
  return env === undefined || env === '' ? undefined : env;
}

function parseId(source: string, value: string): string {
  if (!ID_PATTERN.test(value)) {
    throw new ConfigError(source, `"${value}" is not a valid id: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return value;
}

function parsePort(source: string, raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(source, `expected a TCP port 0-65535, got "${raw}"`);
  }
  return port;
}

export function parseNodeOptions(role: NodeRole, argv: readonly string[], env: NodeJS.ProcessEnv): NodeOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: false,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        'enable-consul': { type: 'boolean' },
        'no-register': { type: 'boolean' },
        'service-name': { type: 'string' },
        cluster: { type: 'string' },
        port: { type: 'string' },
      },
    });
  } catch (error) {
    throw new ConfigError('argv', error instanceof Error ? error.message : String(error));
  }
  const flags = parsed.values;
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);

  const givenId = pickString(str('id'), env['NODE_ID']);
  const idSource = str('id') !== undefined ? '--id' : 'NODE_ID';
  const enableConsul =
    flags['enable-consul'] === true || (env['ENABLE_CONSUL'] ? parseBoolean('ENABLE_CONSUL', env['ENABLE_CONSUL']) : false);
  const register = flags['no-register'] === true ? false : env['CONSUL_REGISTER'] ? parseBoolean('CONSUL_REGISTER', env['CONSUL_REGISTER']) : true;
  const serviceName = pickString(str('service-name'), env['CONSUL_SERVICE_NAME']) ?? 'space-cloud';
  const clusterId = pickString(str('cluster'), env['CLUSTER_ID']) ?? 'default';
  const portRaw = pickString(str('port'), env['PORT']);

  return {
    role,
    nodeId: givenId !== undefined ? parseId(idSource, givenId) : `${role}-${randomBytes(6).toString('hex')}`,
    nodeIdGenerated: givenId === undefined,
    enableConsul,
    register,
    serviceName: parseId(str('service-name') !== undefined ? '--service-name' : 'CONSUL_SERVICE_NAME', serviceName),
    clusterId: parseId(str('cluster') !== undefined ? '--cluster' : 'CLUSTER_ID', clusterId),
    port: portRaw !== undefined ? parsePort(str('port') !== undefined ? '--port' : 'PORT', portRaw) : DEFAULT_PORTS[role],
    rest: [...parsed.positionals],
  };
}
