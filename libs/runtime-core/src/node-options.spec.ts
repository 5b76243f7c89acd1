import { errorOf } from '@spaceport/testing';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { parseNodeOptions } from './node-options';

describe('parseNodeOptions: node id', () => {
  it('generates <role>-<12 hex> when neither --id nor NODE_ID is given', () => {
    const options = parseNodeOptions('gateway', [], {});
    expect(options.nodeId).toMatch(/^gateway-[0-9a-f]{12}$/);
    expect(options.nodeIdGenerated).toBe(true);
    expect(parseNodeOptions('gateway', [], {}).nodeId).not.toBe(options.nodeId);
  });

  it('generates an id when NODE_ID is empty', () => {
    expect(parseNodeOptions('event-worker', [], { NODE_ID: '' }).nodeIdGenerated).toBe(true);
  });

  it('takes NODE_ID, and --id beats it', () => {
    expect(parseNodeOptions('gateway', [], { NODE_ID: 'from-env' })).toMatchObject({
      nodeId: 'from-env',
      nodeIdGenerated: false,
    });
    expect(parseNodeOptions('gateway', ['--id', 'from-flag'], { NODE_ID: 'from-env' }).nodeId).toBe('from-flag');
    expect(parseNodeOptions('gateway', ['--id=from-flag'], { NODE_ID: 'from-env' }).nodeId).toBe('from-flag');
  });

  it.each([
    [['--id', 'bad id'], {}, '--id'],
    [['--id='], {}, '--id'],
    [[], { NODE_ID: '-leading-dash' }, 'NODE_ID'],
    [[], { NODE_ID: 'x'.repeat(129) }, 'NODE_ID'],
    [[], { NODE_ID: 'slash/id' }, 'NODE_ID'],
  ])('rejects an invalid id %j %j naming %s', (argv, env, source) => {
    const error = errorOf(ConfigError, () => parseNodeOptions('gateway', argv, env));
    expect(error.source).toBe(source);
    expect(error.message).toMatch(/is not a valid id/);
  });

  it('accepts the longest allowed id', () => {
    expect(parseNodeOptions('gateway', ['--id', `a${'b'.repeat(127)}`], {}).nodeId).toHaveLength(128);
  });

  it('rejects --id without a value instead of silently generating one', () => {
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', ['--id'], { NODE_ID: 'env-id' })).source).toBe(
      '--id',
    );
  });

  it('does not take the next flag as the id silently', () => {
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', ['--id', '--enable-consul'], {})).source).toBe(
      '--id',
    );
  });
});

describe('parseNodeOptions: distributed mode', () => {
  it('is off by default', () => {
    expect(parseNodeOptions('gateway', [], {}).enableConsul).toBe(false);
  });

  it.each([
    [['--enable-consul'], {}, true],
    [[], { ENABLE_CONSUL: 'true' }, true],
    [[], { ENABLE_CONSUL: '1' }, true],
    [[], { ENABLE_CONSUL: 'false' }, false],
    [[], { ENABLE_CONSUL: '' }, false],
    [['--enable-consul=true'], {}, true],
    [['--enable-consul=false'], { ENABLE_CONSUL: 'true' }, false],
    [['--enable-consul=0'], { ENABLE_CONSUL: 'true' }, false],
    [['--enable-consul'], { ENABLE_CONSUL: 'false' }, true],
  ])('%j with %j → %s', (argv, env, expected) => {
    expect(parseNodeOptions('gateway', argv, env).enableConsul).toBe(expected);
  });

  it('rejects ENABLE_CONSUL=junk naming the variable', () => {
    const error = errorOf(ConfigError, () => parseNodeOptions('gateway', [], { ENABLE_CONSUL: 'junk' }));
    expect(error.source).toBe('ENABLE_CONSUL');
    expect(error.message).toMatch(/expected a boolean.*"junk"/);
  });

  it('rejects --enable-consul=junk naming the flag', () => {
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', ['--enable-consul=junk'], {})).source).toBe(
      '--enable-consul',
    );
  });
});

describe('parseNodeOptions: registration, service, cluster', () => {
  it('registers by default as space-cloud in cluster default', () => {
    expect(parseNodeOptions('config-service', [], {})).toMatchObject({
      register: true,
      serviceName: 'space-cloud',
      clusterId: 'default',
    });
  });

  it.each([
    [['--no-register'], {}, false],
    [['--no-register'], { CONSUL_REGISTER: 'true' }, false],
    [['--no-register=false'], { CONSUL_REGISTER: 'false' }, true],
    [[], { CONSUL_REGISTER: 'false' }, false],
    [[], { CONSUL_REGISTER: 'on' }, true],
  ])('register: %j with %j → %s', (argv, env, expected) => {
    expect(parseNodeOptions('gateway', argv, env).register).toBe(expected);
  });

  it('rejects CONSUL_REGISTER=junk', () => {
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', [], { CONSUL_REGISTER: 'junk' })).source).toBe(
      'CONSUL_REGISTER',
    );
  });

  it('flags beat env for the service name and cluster', () => {
    const env = { CONSUL_SERVICE_NAME: 'env-service', CLUSTER_ID: 'env-cluster' };
    expect(parseNodeOptions('gateway', [], env)).toMatchObject({
      serviceName: 'env-service',
      clusterId: 'env-cluster',
    });
    expect(
      parseNodeOptions('gateway', ['--service-name', 'flag-service', '--cluster=flag-cluster'], env),
    ).toMatchObject({
      serviceName: 'flag-service',
      clusterId: 'flag-cluster',
    });
  });

  it('validates the service name and cluster naming their source', () => {
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', ['--cluster', 'a b'], {})).source).toBe('--cluster');
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', [], { CLUSTER_ID: 'a/b' })).source).toBe(
      'CLUSTER_ID',
    );
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', ['--service-name=*'], {})).source).toBe(
      '--service-name',
    );
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', [], { CONSUL_SERVICE_NAME: ' ' })).source).toBe(
      'CONSUL_SERVICE_NAME',
    );
  });
});

describe('parseNodeOptions: port', () => {
  it.each([
    ['gateway', 4122],
    ['config-service', 4124],
    ['event-worker', 4126],
  ] as const)('defaults for %s to %d', (role, port) => {
    expect(parseNodeOptions(role, [], {}).port).toBe(port);
  });

  it('takes PORT, and --port beats it', () => {
    expect(parseNodeOptions('gateway', [], { PORT: '8080' }).port).toBe(8080);
    expect(parseNodeOptions('gateway', ['--port', '9090'], { PORT: '8080' }).port).toBe(9090);
    expect(parseNodeOptions('gateway', ['--port=0'], {}).port).toBe(0);
    expect(parseNodeOptions('gateway', [], { PORT: '65535' }).port).toBe(65_535);
  });

  it.each([
    [['--port', 'http'], {}, '--port'],
    [['--port='], {}, '--port'],
    [['--port'], {}, '--port'],
    [[], { PORT: '65536' }, 'PORT'],
    [[], { PORT: '-1' }, 'PORT'],
    [[], { PORT: '80.5' }, 'PORT'],
    [[], { PORT: '0x50' }, 'PORT'],
    [[], { PORT: '1e3' }, 'PORT'],
  ])('rejects %j %j naming %s', (argv, env, source) => {
    expect(errorOf(ConfigError, () => parseNodeOptions('gateway', argv, env)).source).toBe(source);
  });
});

describe('parseNodeOptions: arguments left for the app', () => {
  it('keeps positionals and unknown flags in order', () => {
    const options = parseNodeOptions(
      'gateway',
      ['serve', '--verbose', '--log-level=debug', '--id', 'n1', 'extra', '--', '--id', 'x'],
      {},
    );
    expect(options.nodeId).toBe('n1');
    expect(options.rest).toEqual(['serve', '--verbose', '--log-level=debug', 'extra', '--', '--id', 'x']);
  });
});

describe('Consul check timing', () => {
  it('defaults to a 3 s check TTL and 1m deregister-after', () => {
    const options = parseNodeOptions('event-worker', [], {});
    expect(options.checkTtlMs).toBe(3_000);
    expect(options.deregisterCriticalAfter).toBe('60s');
  });

  it('reads CONSUL_CHECK_TTL and CONSUL_DEREGISTER_AFTER as durations', () => {
    const options = parseNodeOptions('event-worker', [], { CONSUL_CHECK_TTL: '2500ms', CONSUL_DEREGISTER_AFTER: '5m' });
    expect(options.checkTtlMs).toBe(2_500);
    expect(options.deregisterCriticalAfter).toBe('300s');
  });

  it('names the variable when a duration is malformed or below Consul minimum', () => {
    expect(() => parseNodeOptions('gateway', [], { CONSUL_CHECK_TTL: 'ten seconds' })).toThrow(/^CONSUL_CHECK_TTL: /);
    expect(() => parseNodeOptions('gateway', [], { CONSUL_DEREGISTER_AFTER: '30s' })).toThrow(
      /^CONSUL_DEREGISTER_AFTER: .*1m/,
    );
  });
});
