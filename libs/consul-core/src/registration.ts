import type { CheckOptions } from 'consul/lib/agent/check';
import {
  abortableSleep,
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_SERVICE_NAME,
  Emitter,
  type NodeRole,
} from '@spaceport/runtime-core';
import { type ConsulClient } from './client';
import { type ClientCall, errorMessage, responseBodyOf, statusCodeOf, withRequestContext } from './consul-request';

export interface ServiceRegistrationOptions {
  client: ConsulClient;
  /** service id; also names the TTL check */
  nodeId: string;
  role: NodeRole;
  clusterId: string;
  /** default {@link DEFAULT_SERVICE_NAME} */
  serviceName?: string;
  /** advertised address; the agent's node address when absent */
  address?: string;
  port: number;
  /** false: the operator registers instances; this class then touches nothing in Consul */
  register?: boolean;
  /** TTL of the check, default 15 s */
  ttlMs?: number;
  /** how often the check is passed, default ttl/3 */
  passIntervalMs?: number;
  /** Consul duration after which a critical instance is removed, default `1m` (Consul's minimum) */
  deregisterCriticalServiceAfter?: string;
  /** default `service:<nodeId>` */
  checkId?: string;
  tags?: string[];
  meta?: Record<string, string>;
  /** timeout of each HTTP call, default 10 s */
  requestTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** aborting it stops (and deregisters) like `stop()` */
  signal?: AbortSignal;
}

export type RegistrationEvents = {
  /** the service was (re-)registered: at start, or because the agent had forgotten it */
  registered: [reason: 'start' | 'forgotten'];
  deregistered: [];
  /** a Consul call failed; the loop keeps trying */
  error: [error: unknown];
};

export interface ServiceDefinition {
  name: string;
  id: string;
  tags: string[];
  address?: string;
  port: number;
  meta?: Record<string, string>;
  check: {
    checkid: string;
    name: string;
    ttl: string;
    deregistercriticalserviceafter: string;
    status: 'passing';
    notes: string;
  };
}

/** Pure: tags of a Spaceport instance. */
export function registrationTags(role: NodeRole, clusterId: string, extra: readonly string[] = []): string[] {
  return [...new Set([`role:${role}`, `cluster:${clusterId}`, ...extra])];
}

/** Pure: the agent service definition with its TTL check (passing from the start). */
export function serviceDefinition(options: ServiceRegistrationOptions): ServiceDefinition {
  const ttlMs = options.ttlMs ?? 15_000;
  return {
    name: options.serviceName ?? DEFAULT_SERVICE_NAME,
    id: options.nodeId,
    tags: registrationTags(options.role, options.clusterId, options.tags),
    ...(options.address !== undefined ? { address: options.address } : {}),
    port: options.port,
    ...(options.meta ? { meta: options.meta } : {}),
    check: {
      checkid: options.checkId ?? `service:${options.nodeId}`,
      name: `${options.serviceName ?? DEFAULT_SERVICE_NAME} ${options.nodeId} TTL`,
      ttl: `${ttlMs}ms`,
      deregistercriticalserviceafter: options.deregisterCriticalServiceAfter ?? '1m',
      status: 'passing',
      notes: `passed by the instance every ${Math.round((options.passIntervalMs ?? ttlMs / 3) / 1000)}s`,
    },
  };
}

/**
 * Pure: does a failed check update mean the agent no longer knows the check (agent restarted
 * without state, service deregistered by the reaper)? Consul answers 404 `Unknown check ID`;
 * older agents answered 500 `CheckID "…" does not have associated TTL`.
 */
export function isForgottenCheck(status: number | undefined, message: string): boolean {
  if (status === 404) return true;
  return /unknown check|does not have associated ttl/i.test(message);
}

function failureText(error: unknown): string {
  const body = responseBodyOf(error);
  const bodyText = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
  return `${errorMessage(error)} ${bodyText}`;
}

/**
 * Registers this instance in the local agent, keeps its TTL check passing and re-registers when
 * the agent forgot it. `stop()` deregisters. With `register: false` every method is a no-op.
 */
export class ServiceRegistration extends Emitter<RegistrationEvents> {
  private readonly definition: ServiceDefinition;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private registered = false;
  private detachSignal: (() => void) | undefined;

  constructor(private readonly options: ServiceRegistrationOptions) {
    super();
    this.definition = serviceDefinition(options);
  }

  get enabled(): boolean {
    return this.options.register ?? true;
  }

  /** the TTL check id, for sessions tied to this instance's health; undefined when not registering */
  get checkId(): string | undefined {
    return this.enabled ? this.definition.check.checkid : undefined;
  }

  get serviceId(): string {
    return this.definition.id;
  }

  /** Registers (throws when Consul refuses or is unreachable), then keeps the check passing. */
  async start(): Promise<void> {
    if (!this.enabled || this.loop || this.options.signal?.aborted) return;
    await this.registerNow('start');
    this.loop = this.heartbeat(this.controller.signal);
    const external = this.options.signal;
    const onAbort = (): void => void this.stop();
    external?.addEventListener('abort', onAbort, { once: true });
    this.detachSignal = () => external?.removeEventListener('abort', onAbort);
  }

  /** Stops passing the check and deregisters the service (best effort; failures go to `error`). */
  async stop(): Promise<void> {
    this.detachSignal?.();
    this.controller.abort();
    await this.loop;
    if (!this.registered) return;
    this.registered = false;
    try {
      await this.options.client.agent.service.deregister({ id: this.definition.id, ...this.timeout() });
      this.emit('deregistered');
    } catch (error) {
      this.emit('error', error);
    }
  }

  private timeout(): { timeout: number } {
    return { timeout: this.options.requestTimeoutMs ?? 10_000 };
  }

  private get passIntervalMs(): number {
    return this.options.passIntervalMs ?? Math.max(100, Math.floor((this.options.ttlMs ?? 15_000) / 3));
  }

  private async registerNow(reason: 'start' | 'forgotten'): Promise<void> {
    const { check, ...service } = this.definition;
    await withRequestContext(this.controller.signal, (ctx) => {
      const call: ClientCall<typeof service & { check: CheckOptions }> = {
        ...service,
        check: check as Omit<CheckOptions, 'timeout'> as CheckOptions,
        ctx,
        ...this.timeout(),
      };
      return this.options.client.agent.service.register(call);
    });
    this.registered = true;
    this.emit('registered', reason);
  }

  private async pass(): Promise<void> {
    await withRequestContext(this.controller.signal, (ctx) => {
      const call: ClientCall<{ id: string }> = { id: this.definition.check.checkid, ctx, ...this.timeout() };
      return this.options.client.agent.check.pass(call);
    });
  }

  private async heartbeat(signal: AbortSignal): Promise<void> {
    const policy: BackoffPolicy = {
      initialMs: 200,
      maxMs: this.passIntervalMs,
      multiplier: 2,
      ...this.options.backoff,
    };
    let failures = 0;
    while (!signal.aborted) {
      await abortableSleep(failures === 0 ? this.passIntervalMs : backoffDelay(failures, policy), signal);
      if (signal.aborted) return;
      try {
        await this.beat();
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.emit('error', error);
      }
    }
  }

  /** Passes the check; re-registers when the agent says it does not know it. */
  private async beat(): Promise<void> {
    try {
      await this.pass();
    } catch (error) {
      if (!isForgottenCheck(statusCodeOf(error), failureText(error))) throw error;
      await this.registerNow('forgotten');
    }
  }
}
