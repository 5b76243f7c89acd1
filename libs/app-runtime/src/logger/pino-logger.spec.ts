import { describe, expect, it } from 'vitest';
import { createRootLogger, parseLogLevel } from './pino-logger';
import { NestPinoLogger } from './nest-pino-logger';

function capture(): { lines: Record<string, unknown>[]; destination: { write(chunk: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (chunk: string) => lines.push(JSON.parse(chunk) as Record<string, unknown>) } };
}

const node = { role: 'gateway', nodeId: 'gw-7' } as const;

describe('createRootLogger', () => {
  it('writes JSON lines that carry role, nodeId, a level label and an ISO time', () => {
    const { lines, destination } = capture();
    createRootLogger(node, { destination }).info({ port: 1 }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', role: 'gateway', nodeId: 'gw-7', port: 1, msg: 'hello' });
    expect(String(lines[0]?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('censors secret-looking fields at the top level and one level down', () => {
    const { lines, destination } = capture();
    const logger = createRootLogger(node, { destination });
    logger.info({ token: 't0p', consul: { token: 'abc', password: 'pw', host: 'consul' } }, 'connecting');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/t0p|abc|"pw"/);
    expect(lines[0]).toMatchObject({ token: '[redacted]', consul: { host: 'consul', token: '[redacted]' } });
  });

  it('honours LOG_LEVEL and falls back to info on unknown values', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('chatty')).toBe('info');
    expect(parseLogLevel(undefined)).toBe('info');
    const { lines, destination } = capture();
    const logger = createRootLogger(node, { destination, level: 'warn' });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((l) => l['msg'])).toEqual(['kept']);
  });
});

describe('NestPinoLogger', () => {
  const setup = (level = 'info') => {
    const { lines, destination } = capture();
    return { lines, nest: new NestPinoLogger(createRootLogger(node, { destination, level })) };
  };

  it("maps Nest's (message, context) to msg + context", () => {
    const { lines, nest } = setup();
    nest.log('mapped', 'OrdersController');
    nest.warn('careful', 'Orders');
    expect(lines).toMatchObject([
      { level: 'info', msg: 'mapped', context: 'OrdersController' },
      { level: 'warn', msg: 'careful', context: 'Orders' },
    ]);
  });

  it("keeps Nest's own start-up chatter at debug", () => {
    const { lines, nest } = setup();
    nest.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    expect(lines).toEqual([]);
  });

  it('reads error(message, stack, context) and error(message, context)', () => {
    const { lines, nest } = setup();
    const stack = 'Error: boom\n    at thing (file.js:1:2)';
    nest.error('boom', stack, 'ExceptionsHandler');
    nest.error('plain', 'Ctx');
    nest.error('only a stack', stack);
    expect(lines).toMatchObject([
      { level: 'error', msg: 'boom', stack, context: 'ExceptionsHandler' },
      { level: 'error', msg: 'plain', context: 'Ctx' },
      { level: 'error', msg: 'only a stack', stack },
    ]);
    expect(lines[1]).not.toHaveProperty('stack');
    expect(lines[2]).not.toHaveProperty('context');
  });

  it('logs Error and object messages as structured fields, still redacted', () => {
    const { lines, nest } = setup('trace');
    nest.error(new Error('kaput'));
    nest.debug({ event: 'x', secret: 'whsec_abc' }, 'Svc');
    nest.verbose('fine detail');
    nest.fatal('down');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'kaput', err: { message: 'kaput' } });
    expect(lines[1]).toMatchObject({ level: 'debug', event: 'x', secret: '[redacted]', context: 'Svc' });
    expect(lines[2]).toMatchObject({ level: 'trace', msg: 'fine detail' });
    expect(lines[3]).toMatchObject({ level: 'fatal', msg: 'down' });
  });
});
