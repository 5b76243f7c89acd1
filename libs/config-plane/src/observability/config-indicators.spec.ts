import { HealthIndicatorService } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import { type MirrorStatus } from '../mirror/mirror-status';
import { authorityConfigIndicator, mirrorConfigIndicator } from './config-indicators';

const session = () => new HealthIndicatorService().check('config');
const mirror = (state: MirrorStatus['state'], version: number | undefined): MirrorStatus => ({
  state,
  version,
  origin: version === undefined ? undefined : 'cs.1',
  seq: 1,
  lastHeardAt: undefined,
  appliedAt: undefined,
  sourceAvailable: true,
  projects: {},
});

describe('config readiness', () => {
  it('mirror: up in sync and while stale (details kept), down while waiting', () => {
    expect(mirrorConfigIndicator(session(), mirror('in-sync', 3))).toMatchObject({
      config: { status: 'up', state: 'in-sync', version: 3, origin: 'cs.1' },
    });
    expect(mirrorConfigIndicator(session(), mirror('stale', 3))).toMatchObject({
      config: { status: 'up', state: 'stale' },
    });
    expect(mirrorConfigIndicator(session(), mirror('waiting', undefined))).toMatchObject({
      config: { status: 'down', state: 'waiting', message: expect.any(String) },
    });
  });

  it('authority: up with a readable store, down before the first read or while the store is unreadable', () => {
    const status = {
      origin: 'cs.1',
      seq: 2,
      version: 5,
      sourceAvailable: true,
      sourceProblem: undefined,
      storeReset: undefined,
    };
    expect(authorityConfigIndicator(session(), status)).toMatchObject({ config: { status: 'up', version: 5 } });
    expect(authorityConfigIndicator(session(), { ...status, version: undefined })).toMatchObject({
      config: { status: 'down' },
    });
    expect(
      authorityConfigIndicator(session(), { ...status, sourceAvailable: false, sourceProblem: 'consul: 500' }),
    ).toMatchObject({
      config: { status: 'down', sourceProblem: 'consul: 500', message: expect.stringContaining('not readable') },
    });
  });

  it('a held store reset: the config-service is down, a mirror stays up and says so', () => {
    const storeReset = {
      reason: 'the config store holds no project, the last good config had 2',
      detectedAt: '2026-12-06T06:00:00.000Z',
      lastGood: { version: 40, projects: 2 },
      store: { version: 3, projects: 0 },
      missingKeys: ['config/projects/a', 'config/projects/b'],
    };
    const authority = { origin: 'cs.1', seq: 2, version: 40, sourceAvailable: true, sourceProblem: undefined };
    expect(authorityConfigIndicator(session(), { ...authority, storeReset })).toMatchObject({
      config: {
        status: 'down',
        message: expect.stringContaining('config store reset: the config store holds no project'),
      },
    });
    expect(mirrorConfigIndicator(session(), { ...mirror('in-sync', 40), storeReset })).toMatchObject({
      config: { status: 'up', message: expect.stringContaining('config store reset'), storeReset },
    });
  });
});
