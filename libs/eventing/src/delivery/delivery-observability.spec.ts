import { HealthIndicatorService } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import { standalonePartitionsIndicator } from './delivery-observability';

const session = () => new HealthIndicatorService().check('partitions');

describe('standalonePartitionsIndicator', () => {
  it('is up once every partition of the config is consumed', () => {
    expect(standalonePartitionsIndicator(session(), 4, 4)).toEqual({
      partitions: { status: 'up', mode: 'standalone', owned: 4, partitionCount: 4 },
    });
  });

  it('lists the stuck partitions as a detail, up or down as before', () => {
    expect(standalonePartitionsIndicator(session(), 4, 4, [2])).toEqual({
      partitions: { status: 'up', mode: 'standalone', owned: 4, partitionCount: 4, stuck: [2] },
    });
    expect(standalonePartitionsIndicator(session(), 4, 3, [3])).toMatchObject({
      partitions: { status: 'down', message: 'consuming 3 of 4 partitions', stuck: [3] },
    });
  });

  it('is down without a config and while partitions are still starting', () => {
    expect(standalonePartitionsIndicator(session(), undefined, 0)).toMatchObject({
      partitions: { status: 'down', message: expect.stringContaining('config') },
    });
    expect(standalonePartitionsIndicator(session(), 4, 3)).toMatchObject({
      partitions: { status: 'down', message: 'consuming 3 of 4 partitions' },
    });
  });
});
