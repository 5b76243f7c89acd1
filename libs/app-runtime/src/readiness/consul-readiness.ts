import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type ConsulClient } from '@spaceport/consul-core';
import { SPACEPORT_CONSUL_CLIENT } from '../tokens';
import { ReadinessRegistry, type ReadinessSession } from './readiness-registry';

/** Consul's answer must come within this (it is a local agent, normally a few ms away). */
export const CONSUL_READINESS_TIMEOUT_MS = 1_000;

/** Pure: the `consul` indicator from the agent's `GET /v1/status/leader` answer (`""` = no leader). */
export function consulIndicator(session: ReadinessSession, leader: unknown) {
  if (typeof leader === 'string' && leader !== '') return session.up({ leader });
  return session.down({ message: 'the Consul agent answers but knows no cluster leader' });
}

/** Distributed mode: `/readyz` checks that the Consul agent answers and its cluster has a leader. */
@Injectable()
export class ConsulReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    @Inject(SPACEPORT_CONSUL_CLIENT) private readonly client: ConsulClient | null,
  ) {}

  onModuleInit(): void {
    const client = this.client;
    if (!client) return;
    this.registry.register('consul', async (session) => {
      // `timeout` reaches papi although the typings do not declare it; the client's default token still applies.
      const options: { token?: string; timeout: number } = { timeout: CONSUL_READINESS_TIMEOUT_MS };
      try {
        return consulIndicator(session, await client.status.leader(options));
      } catch (error) {
        return session.down({
          message: `Consul unreachable: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    });
  }
}
