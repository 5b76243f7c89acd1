import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError } from './config-error';
import { parseBoolean, parseDurationMs } from './config-values';

/** The Consul service name instances register under unless `--service-name` / `CONSUL_SERVICE_NAME` says otherwise. */
export const DEFAULT_SERVICE_NAME = 'space-cloud';

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
  /** `--service-name` / `CONSUL_SERVICE_NAME`, default {@link DEFAULT_SERVICE_NAME} */
  serviceName: string;
  /** `--cluster` / `CLUSTER_ID`, default `default`: names the KV prefix and the `cluster:` tag */
  clusterId: string;
  /** `--port` / `PORT`: HTTP port of the instance */
  port: number;
  /** `CONSUL_CHECK_TTL`, default 3s: TTL of the instance's health check in Consul (drives failover time) */
  checkTtlMs: number;
  /** `CONSUL_DEREGISTER_AFTER`, default `1m` (Consul's minimum): a critical instance is removed after it */
  deregisterCriticalAfter: string;
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
    throw new ConfigError(
      source,
      `"${value}" is not a valid id: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return value;
}

function parsePort(source: string, raw: string): number {
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(source, `expected a TCP port 0-65535, got "${raw}"`);
  }
  return port;
}

const OPTIONS = {
  id: { type: 'string' },
  'enable-consul': { type: 'boolean' },
  'no-register': { type: 'boolean' },
  'service-name': { type: 'string' },
  cluster: { type: 'string' },
  port: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

function isKnownOption(name: string): name is OptionName {
  return Object.prototype.hasOwnProperty.call(OPTIONS, name);
}

interface ParsedFlags {
  values: Partial<Record<OptionName, string | boolean>>;
  /** unknown options (as written) and positionals, in their original order */
  rest: string[];
}

/**
 * Lenient parsing (`strict: false`): unknown flags are kept for the app in `rest`. The price is that
 * parseArgs does not type-check known flags, so `--enable-consul=false` arrives as the string
 * "false" and a trailing `--id` as `true`; `flagString`/`flagBoolean` deal with both.
 */
function parseFlags(argv: readonly string[]): ParsedFlags {
  const { tokens } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: OPTIONS,
  });
  const values: ParsedFlags['values'] = {};
  const rest: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') rest.push(token.value);
    else if (token.kind === 'option-terminator') rest.push('--');
    else if (isKnownOption(token.name)) values[token.name] = token.value ?? true;
    else rest.push(token.inlineValue ? `${token.rawName}=${token.value ?? ''}` : token.rawName);
  }
  return { values, rest };
}

function flagString(
  values: ParsedFlags['values'],
  name: 'id' | 'service-name' | 'cluster' | 'port',
): string | undefined {
  const value = values[name];
  if (value === true) throw new ConfigError(`--${name}`, 'requires a value, e.g. --' + name + '=<value>');
  return value === false ? undefined : value;
}

function flagBoolean(values: ParsedFlags['values'], name: 'enable-consul' | 'no-register'): boolean | undefined {
  const value = values[name];
  return typeof value === 'string' ? parseBoolean(`--${name}`, value) : value;
}

function envBoolean(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : parseBoolean(name, raw);
}

/** Validates a duration that is handed to Consul as text (e.g. `1m`); Consul's own minimum is 1m. */
function consulDuration(source: string, raw: string): string {
  const ms = parseDurationMs(source, raw);
  if (ms < 60_000) throw new ConfigError(source, `Consul removes critical services no sooner than 1m, got "${raw}"`);
  return `${Math.round(ms / 1000)}s`;
}

export function parseNodeOptions(role: NodeRole, argv: readonly string[], env: NodeJS.ProcessEnv): NodeOptions {
  const { values, rest } = parseFlags(argv);
  const idFlag = flagString(values, 'id');
  const serviceNameFlag = flagString(values, 'service-name');
  const clusterFlag = flagString(values, 'cluster');
  const portFlag = flagString(values, 'port');

  const givenId = pickString(idFlag, env['NODE_ID']);
  const noRegister = flagBoolean(values, 'no-register');
  const register = noRegister !== undefined ? !noRegister : (envBoolean(env, 'CONSUL_REGISTER') ?? true);
  const serviceName = pickString(serviceNameFlag, env['CONSUL_SERVICE_NAME']) ?? DEFAULT_SERVICE_NAME;
  const clusterId = pickString(clusterFlag, env['CLUSTER_ID']) ?? 'default';
  const portRaw = pickString(portFlag, env['PORT']);

  return {
    role,
    nodeId:
      givenId !== undefined
        ? parseId(idFlag !== undefined ? '--id' : 'NODE_ID', givenId)
        : `${role}-${randomBytes(6).toString('hex')}`,
    nodeIdGenerated: givenId === undefined,
    enableConsul: flagBoolean(values, 'enable-consul') ?? envBoolean(env, 'ENABLE_CONSUL') ?? false,
    register,
    serviceName: parseId(serviceNameFlag !== undefined ? '--service-name' : 'CONSUL_SERVICE_NAME', serviceName),
    clusterId: parseId(clusterFlag !== undefined ? '--cluster' : 'CLUSTER_ID', clusterId),
    port: portRaw !== undefined ? parsePort(portFlag !== undefined ? '--port' : 'PORT', portRaw) : DEFAULT_PORTS[role],
    checkTtlMs: parseDurationMs('CONSUL_CHECK_TTL', env['CONSUL_CHECK_TTL'] || '3s'),
    deregisterCriticalAfter: consulDuration('CONSUL_DEREGISTER_AFTER', env['CONSUL_DEREGISTER_AFTER'] || '1m'),
    rest,
  };
}
