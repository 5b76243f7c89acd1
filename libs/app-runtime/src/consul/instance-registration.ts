import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { type ConsulClient, type ServiceRegistration } from '@spaceport/consul-core';
import { type NodeOptions, retryUntilAborted } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { SPACEPORT_CONSUL_CLIENT, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '../tokens';

/**
 * Registers this instance in the Consul catalog (service `space-cloud` (DEFAULT_SERVICE_NAME) by default, id = node id,
 * tags `role:` and `cluster:`, a TTL check kept passing) once the HTTP server listens, and
 * deregisters it first thing on graceful shutdown. Consul being down at start does not stop the
 * instance: registration is retried with backoff until it succeeds or the instance stops.
 */
@Injectable()
export class InstanceRegistration implements BeforeApplicationShutdown {
  private registration: ServiceRegistration | undefined;
  private readonly stopped = new AbortController();
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly options: NodeOptions,
    @Inject(SPACEPORT_CONSUL_CLIENT) private readonly client: ConsulClient | null,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Called by the bootstrap after `listen`, with the port actually bound. consul-core is loaded here,
   * in distributed mode only (a standalone instance never loads it).
   */
  async start(address: string, port: number): Promise<void> {
    if (!this.client || !this.options.enableConsul) return;
    if (!this.options.register) {
      this.logger.info('not registering in Consul (--no-register): the operator registers this instance');
      return;
    }
    const { ServiceRegistration } = await import('@spaceport/consul-core');
    const registration = new ServiceRegistration({
      client: this.client,
      nodeId: this.options.nodeId,
      role: this.options.role,
      clusterId: this.options.clusterId,
      serviceName: this.options.serviceName,
      address,
      port,
      ttlMs: this.options.checkTtlMs,
      deregisterCriticalServiceAfter: this.options.deregisterCriticalAfter,
    });
    registration.on('registered', (reason) =>
      this.logger.info({ service: this.options.serviceName, reason }, 'registered in Consul'),
    );
    registration.on('error', (error) => this.logger.warn({ err: errorText(error) }, 'Consul registration call failed'));
    this.registration = registration;
    this.starting = this.startWithRetry(registration);
  }

  /** The check id sessions tie to (leader election), once registered. */
  get checkId(): string | undefined {
    return this.registration?.checkId;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    await this.starting;
    await this.registration?.stop();
  }

  private async startWithRetry(registration: ServiceRegistration): Promise<void> {
    await retryUntilAborted(
      () => registration.start(),
      this.stopped.signal,
      (error, attempt, delayMs) => {
        this.logger.warn({ err: errorText(error), attempt, retryInMs: delayMs }, 'cannot register in Consul yet');
      },
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
