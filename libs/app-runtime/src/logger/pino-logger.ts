import pino, { type Logger, type LevelWithSilent } from 'pino';
import { type NodeOptions } from '@spaceport/runtime-core';

/**
 * Fields that may hold secrets, censored wherever they appear at the top level or one level down
 * (pino's redaction). Log call sites still must not pass secrets; this is the safety net.
 */
export const REDACTED_PATHS: readonly string[] = [
  'token',
  'password',
  'secret',
  'secrets',
  'authorization',
  'key',
  'privateKey',
  '*.token',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.authorization',
  '*.key',
  '*.privateKey',
  'headers["x-consul-token"]',
  'req.headers.authorization',
  'req.headers["x-consul-token"]',
];

const LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface RootLoggerOptions {
  /** `LOG_LEVEL`, default `info` */
  level?: string;
  /** where JSON lines go; stdout (synchronously, so nothing is lost on exit) when absent */
  destination?: pino.DestinationStream;
}

/** Parses `LOG_LEVEL`; unknown values fall back to `info` rather than stopping the process. */
export function parseLogLevel(raw: string | undefined): LevelWithSilent {
  const value = raw?.trim().toLowerCase();
  return LEVELS.find((level) => level === value) ?? 'info';
}

/** The process-wide pino logger: JSON lines, ISO time, and `role` + `nodeId` on every line. */
export function createRootLogger(node: Pick<NodeOptions, 'role' | 'nodeId'>, options: RootLoggerOptions = {}): Logger {
  return pino(
    {
      level: parseLogLevel(options.level),
      base: { role: node.role, nodeId: node.nodeId, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
