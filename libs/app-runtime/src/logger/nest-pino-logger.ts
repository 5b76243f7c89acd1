import { type LoggerService } from '@nestjs/common';
import { type Logger, type Level } from 'pino';

/** Nest's own start-up chatter, logged at debug so `info` shows one start line per instance. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

const STACK_PATTERN = /^.*\n\s+at .+/;

/** Splits Nest's `(message, ...params, context?)` convention into context, stack/error and extras. */
function split(params: unknown[], allowStack: boolean): { context?: string; stack?: string; err?: Error } {
  const rest = [...params];
  let context: string | undefined;
  const last = rest[rest.length - 1];
  if (typeof last === 'string' && (rest.length > 1 || !allowStack || !STACK_PATTERN.test(last))) {
    context = last;
    rest.pop();
  }
  const first = rest[0];
  if (allowStack && first instanceof Error) return { context, err: first };
  if (allowStack && typeof first === 'string') return { context, stack: first };
  return { context };
}

/** A Nest `LoggerService` over pino: Nest's `(message, context)` calls become JSON lines. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const { context } = split(params, false);
    this.write(context && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info', message, params, false);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params, false);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params, false);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params, false);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }

  private write(level: Level, message: unknown, params: unknown[], allowStack: boolean): void {
    const { context, stack, err } = split(params, allowStack);
    const fields: Record<string, unknown> = {};
    if (context) fields['context'] = context;
    if (stack) fields['stack'] = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(err ? { err } : {}), ...message });
    } else {
      this.logger[level]({ ...fields, ...(err ? { err } : {}) }, String(message));
    }
  }
}
