// `npm start` as a user runs it (issue 22): a real `npm` process running tools/stack/stack.mjs with real
// Consul, Redis and the built apps, on free ports and in a temp data dir. A SIGKILLed event-worker is
// restarted and delivers again; SIGTERM to the npm process stops every process of the stack within 15 s;
// a dying gateway stops the stack with a line naming it. Only PIDs this suite started are signalled.
// `--ignore-scripts` skips `prestart` (provision + build: `npm test` has done both) but runs `start`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ROOT, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBalancedOver, readCluster } from '../../apps/event-worker/src/testing-fixtures/cluster-probe';
import { LOCAL_ADMIN_TOKEN } from '../demo/demo-defaults.mjs';
import { processAlive } from './stack-state.mjs';
import { descendants, killLeftovers, StackRun, STOP_BOUND_MS } from './testing-fixtures/stack-run';

afterAll(killLeftovers);

describe('npm start: a dead event-worker comes back, SIGTERM to npm stops everything', () => {
  let run: StackRun;
  let gatewayUrl = '';
  beforeAll(async () => {
    run = new StackRun('npm', ['start', '--ignore-scripts', '--', '--workers', '2']);
    gatewayUrl = await run.up();
  }, 120_000);
  afterAll(() => run?.remove());

  it('made the config signing key in its data dir, readable by its owner only, and named it in the state', () => {
    const file = run.state().signingKeyFile ?? '';
    expect(file.startsWith(run.dir)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a SIGKILLed event-worker is restarted after 1 s with a line saying why, and delivers again', async () => {
    const before = run.pidOf('event-worker-1');
    expect(before, run.log()).toBeDefined();
    process.kill(before ?? -1, 'SIGKILL');
    await waitFor(() => run.pidOf('event-worker-1') !== undefined && run.pidOf('event-worker-1') !== before, {
      what: `event-worker-1 restarted:\n${run.log().slice(-3000)}`,
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect(run.log()).toMatch(
      /stack: event-worker-1 exited unexpectedly \(signal SIGKILL\) after [\d.]+ s; restarting it in 1 s \(crash 1 in a row\)/,
    );
    await waitFor(
      async () => {
        const view = await readCluster(gatewayUrl, LOCAL_ADMIN_TOKEN);
        return view !== undefined && isBalancedOver(view, ['event-worker-1', 'event-worker-2']);
      },
      { what: 'partitions balanced over both workers again', timeoutMs: 30_000, intervalMs: 200 },
    );
    const demo = execFileSync(process.execPath, ['tools/demo/demo.mjs', '--events', '6', '--timeout', '30'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', SPACEPORT_STACK_STATE: run.stateFile },
    });
    expect(demo).toContain('6/6 event(s) processed');
  }, 150_000);

  it('SIGTERM to the npm process stops every process of the stack within 15 s, exit 0', async () => {
    const npmPid = run.child.pid ?? -1;
    const pids = descendants(npmPid);
    // node stack.mjs, redis, consul, config-service, gateway, 2 workers, demo receiver
    expect(pids.length, JSON.stringify(pids)).toBeGreaterThanOrEqual(8);
    const since = Date.now();
    process.kill(npmPid, 'SIGTERM');
    const { code, ms } = await run.exited(since);
    expect(code, run.log()).toBe(0);
    expect(ms).toBeLessThan(STOP_BOUND_MS);
    expect(pids.filter((p) => processAlive(p.pid))).toEqual([]);
    expect(existsSync(run.stateFile)).toBe(false);
    expect(run.log()).toMatch(/stack: SIGTERM received; stopping every process[\s\S]*stack: stopped/);
  }, 60_000);
});

describe('npm start: a dying non-worker child stops the stack', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = new StackRun(process.execPath, ['tools/stack/stack.mjs', '--standalone', '--workers', '1']);
    await run.up();
  }, 120_000);
  afterAll(() => run?.remove());

  it('SIGKILL of the gateway stops every process with a line naming it, exit 1', async () => {
    const pids = descendants(run.child.pid ?? -1);
    const gateway = run.pidOf('gateway-1');
    expect(gateway, run.log()).toBeDefined();
    const since = Date.now();
    process.kill(gateway ?? -1, 'SIGKILL');
    const { code } = await run.exited(since);
    expect(code).toBe(1);
    expect(run.log()).toContain('stack: gateway exited unexpectedly (signal SIGKILL); stopping the stack');
    expect(pids.filter((p) => processAlive(p.pid))).toEqual([]);
  }, 120_000);
});
