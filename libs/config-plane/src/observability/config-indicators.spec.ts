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
    const status = { origin: 'cs.1', seq: 2, version: 5, sourceAvailable: true, sourceProblem: undefined };
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
});
