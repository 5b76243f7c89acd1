import { describe, expect, it } from 'vitest';
import { pingRedis, startConsulAgent, startRedisServer } from './index';

describe('test harness', () => {
  it('starts a real consul agent on a free port and leaves no process behind', async () => {
    const agent = await startConsulAgent();
    const pid = agent.process.pid;
    expect(pid).toBeGreaterThan(0);
    const res = await fetch(`${agent.httpAddr}/v1/agent/self`);
    const self = (await res.json()) as { Config: { Version: string } };
    expect(self.Config.Version).toMatch(/^\d+\.\d+\.\d+/);
    await agent.stop();
    expect(() => process.kill(pid ?? 0, 0)).toThrow();
  });

  it('restarts a persistent consul agent on the same port with its data kept', async () => {
    const agent = await startConsulAgent({ persistent: true });
    try {
      await fetch(`${agent.httpAddr}/v1/kv/harness/kept`, { method: 'PUT', body: 'yes' });
      await agent.restart();
      const res = await fetch(`${agent.httpAddr}/v1/kv/harness/kept?raw`);
      expect(await res.text()).toBe('yes');
    } finally {
      await agent.stop();
    }
  });

  it('starts and restarts a real redis-server; AOF keeps data across the restart', async () => {
    const redis = await startRedisServer();
    try {
      expect(await pingRedis(redis.port)).toBe(true);
      await redis.restart();
      expect(await pingRedis(redis.port)).toBe(true);
      await redis.process.kill();
      expect(await pingRedis(redis.port)).toBe(false);
    } finally {
      await redis.stop();
    }
  });
});
