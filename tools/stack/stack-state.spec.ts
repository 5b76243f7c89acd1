import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  extraWorkerId,
  readStackState,
  removeStackState,
  type StackState,
  stackStateFile,
  workerEnvOf,
  writeStackState,
} from './stack-state.mjs';

const dir = mkdtempSync(join(tmpdir(), 'spaceport-stack-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const alive = (): boolean => true;
const gone = (): boolean => false;

const state: Omit<StackState, 'version'> = {
  pid: 4242,
  startedAt: '2025-01-01T00:00:00.000Z',
  mode: 'distributed',
  gatewayUrl: 'http://127.0.0.1:4122',
  demoReceiverUrl: 'http://127.0.0.1:4120',
  consulUrl: 'http://127.0.0.1:8500',
  redisTopology: 'single',
  redisUrl: 'redis://127.0.0.1:6379',
  clusterId: 'default',
  workers: 3,
  adminToken: 'local-default',
  workerEnv: {
    HOST: '127.0.0.1',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ENABLE_CONSUL: 'true',
    CONSUL_HTTP_ADDR: '127.0.0.1:8500',
  },
};

describe('stack state file', () => {
  it('round-trips what npm start writes, with the version added, readable by the owner only', () => {
    const file = join(dir, 'nested', 'state.json');
    writeStackState(file, state);
    expect(readStackState(file, alive)).toEqual({ state: { version: 1, ...state } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps only what a worker needs from the apps environment (no admin token)', () => {
    const env = workerEnvOf({
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://r',
      ADMIN_TOKEN: 'secret-admin-token-0123',
      ENABLE_CONSUL: 'true',
      CONSUL_HTTP_ADDR: 'c:8500',
      CLUSTER_ID: undefined,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
    });
    expect(env).toEqual({
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://r',
      ENABLE_CONSUL: 'true',
      CONSUL_HTTP_ADDR: 'c:8500',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
    });
  });

  it('says no stack is running when the file is absent or its stack is gone', () => {
    expect(readStackState(join(dir, 'absent.json'), alive).error).toMatch(
      /^no local stack is running: start one with `npm start`.*not found/,
    );
    const file = join(dir, 'stale.json');
    writeStackState(file, state);
    expect(readStackState(file, gone).error).toMatch(/pid 4242, is gone/);
  });

  it('refuses a file it cannot read: bad JSON, another version, a missing field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{nope');
    expect(readStackState(file, alive).error).toMatch(/is not valid JSON/);
    writeFileSync(file, JSON.stringify({ ...state, version: 2 }));
    expect(readStackState(file, alive).error).toMatch(/has version 2, expected 1/);
    writeFileSync(file, JSON.stringify({ ...state, version: 1, gatewayUrl: undefined }));
    expect(readStackState(file, alive).error).toMatch(/field gatewayUrl missing/);
  });

  it('removes the file only for the stack that wrote it', () => {
    const file = join(dir, 'owned.json');
    writeStackState(file, state);
    removeStackState(file, 1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: 4242 });
    removeStackState(file, 4242);
    expect(readStackState(file, alive).error).toMatch(/not found/);
  });

  it('lives in tmp/stack unless SPACEPORT_STACK_STATE says otherwise; extra workers get distinct ids', () => {
    expect(stackStateFile({})).toMatch(/tmp\/stack\/state\.json$/);
    expect(stackStateFile({ SPACEPORT_STACK_STATE: '/x/s.json' })).toBe('/x/s.json');
    expect(extraWorkerId('0a1b')).toBe('event-worker-x0a1b');
  });
});
