import { type ConsulConnection } from '@spaceport/consul-core';
import { ConfigError, type NodeOptions, type NodeRole, parseNodeOptions } from '@spaceport/runtime-core';
import { type AdminTokens, resolveAdminTokens } from './admin-auth/admin-auth';
import { resolveAdvertiseAddress } from './consul/advertise-address';
import { type RunMode, runMode } from './tokens';

/** What every instance resolves from flags and environment before Nest starts (part of each app's settings). */
export interface StartupConfig {
  options: NodeOptions;
  /** `HOST`, default `0.0.0.0` (all interfaces, as containers need) */
  host: string;
  /** the validated Consul connection, in distributed mode */
  consul?: ConsulConnection;
  /** how the start line shows it, e.g. `https://consul:8501 (token)`: never the secret itself */
  consulDescription?: string;
  /** the address registered in Consul (`ADVERTISE_ADDR`, see resolveAdvertiseAddress) */
  advertiseAddress: string;
  /** `LOG_LEVEL` (pino level), default `info` */
  logLevel: string | undefined;
  /** `ADMIN_TOKEN` / `ADMIN_READ_TOKEN`: the gateway's admin APIs, and every app's readiness details */
  adminTokens: AdminTokens;
}

export const DEFAULT_HOST = '0.0.0.0';

/**
 * Parses flags + env into the start-up config; rejects with `ConfigError` naming the bad flag/variable.
 * Async because the `CONSUL_*` variables are parsed by consul-core, which loads in distributed mode only.
 */
export async function resolveStartupConfig(
  role: NodeRole,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<StartupConfig> {
  const options = parseNodeOptions(role, argv, env);
  const host = env['HOST']?.trim() || DEFAULT_HOST;
  if (/\s/.test(host)) throw new ConfigError('HOST', `expected a host name or IP address, got "${host}"`);
  const advertiseAddress = resolveAdvertiseAddress(env, host);
  const logLevel = env['LOG_LEVEL']?.trim() || undefined;
  const adminTokens = resolveAdminTokens(env);
  if (!options.enableConsul) return { options, host, advertiseAddress, logLevel, adminTokens };
  const { describeConnection, loadConsulConnection } = await import('@spaceport/consul-core');
  const consul = loadConsulConnection(env);
  const consulDescription = describeConnection(consul);
  return { options, host, consul, consulDescription, advertiseAddress, logLevel, adminTokens };
}

/** The one line printed to stderr before exiting with code 2 on bad configuration. */
export function formatConfigError(role: NodeRole, error: ConfigError): string {
  return `spaceport ${role}: invalid configuration: ${error.message}\n`;
}

/** `role` and `nodeId` are not repeated here: every log line carries them already. */
export interface StartLine {
  nodeIdGenerated: boolean;
  mode: RunMode;
  host: string;
  port: number;
  clusterId: string;
  serviceName?: string;
  register?: boolean;
  /** e.g. `https://consul:8501 (token)`: never the secret itself */
  consul?: string;
}

/** Fields of the start line. Built from known-safe fields only, so no secret can slip in. */
export function startLine(config: StartupConfig, port: number): StartLine {
  const { options } = config;
  const line: StartLine = {
    nodeIdGenerated: options.nodeIdGenerated,
    mode: runMode(options),
    host: config.host,
    port,
    clusterId: options.clusterId,
  };
  if (options.enableConsul) {
    line.serviceName = options.serviceName;
    line.register = options.register;
    if (config.consulDescription) line.consul = config.consulDescription;
  }
  return line;
}
