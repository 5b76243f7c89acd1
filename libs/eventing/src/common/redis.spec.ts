import { describe, expect, it } from 'vitest';
import { isRedisUnavailable } from './redis';

describe('isRedisUnavailable', () => {
  it('takes the errors of an outage or a failover as "unavailable" (503), not a bug (500)', () => {
    for (const message of [
      'Connection is closed.',
      "Stream isn't writeable and enableOfflineQueue options is false",
      "READONLY You can't write against a read only replica.",
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'Too many Cluster redirections. Last error: ReplyError: MOVED 670 127.0.0.1:37833',
    ])
      expect(isRedisUnavailable(new Error(message)), message).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(isRedisUnavailable(new Error('ERR Error running script (call to f_1234): wrong number of arguments'))).toBe(
      false,
    );
    expect(isRedisUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
  });
});
