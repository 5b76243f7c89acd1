import { type Redis } from 'ioredis';
import { type ReadinessSession } from './readiness-registry';

/**
 * The `redis` indicator: PING on `client` (a fail-fast client: no offline queue, a command timeout),
 * up with the round trip in ms, down with the error (ioredis messages name host:port, never the password).
 */
export async function redisPingIndicator(session: ReadinessSession, client: Redis) {
  const startedAt = performance.now();
  try {
    await client.ping();
    return session.up({ pingMs: Math.round((performance.now() - startedAt) * 10) / 10 });
  } catch (error) {
    return session.down({ message: `Redis unreachable: ${error instanceof Error ? error.message : String(error)}` });
  }
}
