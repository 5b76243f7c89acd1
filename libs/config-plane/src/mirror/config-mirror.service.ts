import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ClientRedis } from '@nestjs/microservices';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConfigSnapshot, type ConfigView } from '@spaceport/config-model';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { firstValueFrom, timeout } from 'rxjs';
import {
  type ConfigHeartbeat,
  type ConfigPlaneChannels,
  type ConfigPublication,
  configPlaneChannels,
  type SnapshotReply,
  type StoreResetAction,
  type StoreResetCommand,
  type StoreResetReply,
  type WriteCommand,
  type WriteReply,
} from '../protocol';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';
import { ConfigMessageAuth } from '../signing/config-message-auth';
import { createRedisClient, ResilientRedisServer } from '../transport/redis-transport';
import {
  acceptsSnapshotReply,
  decidePublication,
  isAuthoritySilent,
  type ResyncReason,
  resyncNeededByHeartbeat,
  type TrackerState,
} from './stream-tracker';
import { type StoreResetStatus } from '../authority/store-reset';
import { type MirrorStatus, mirrorStatus } from './mirror-status';

const REQUEST_TIMEOUT_MS = 3_000;
const WRITE_TIMEOUT_MS = 10_000;

/**
 * The app side of the config plane (gateway, event-workers): keeps the last good snapshot the
 * authority published, asks for a full snapshot at start, on a gap, on a new origin and after a
 * Redis reconnect, and keeps serving that snapshot while the authority or its store is down.
 */
@Injectable()
export class ConfigMirrorService implements ConfigView, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly channels: ConfigPlaneChannels;
  private readonly server: ResilientRedisServer;
  private readonly client: ClientRedis;
  private tracker: TrackerState = { position: undefined, version: undefined };
  private snapshot: ConfigSnapshot | undefined;
  private lastHeardAt: number | undefined;
  private appliedAt: number | undefined;
  private sourceAvailable = true;
  private storeReset: StoreResetStatus | undefined;
  private resyncing = false;
  private silentLogged = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(snapshot: ConfigSnapshot) => void>();
  private readonly waiters = new Set<(snapshot: ConfigSnapshot) => void>();

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) options: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    @Inject(CONFIG_PLANE_SETTINGS) private readonly settings: ConfigPlaneSettings,
    @Inject(ConfigMessageAuth) auth: ConfigMessageAuth,
  ) {
    this.channels = configPlaneChannels(options.clusterId);
    this.server = new ResilientRedisServer(settings.redis, `spaceport:${options.nodeId}:config-mirror`, auth);
    this.client = createRedisClient(settings.redis, `spaceport:${options.nodeId}:config-requests`, auth);
  }

  onApplicationBootstrap(): void {
    this.server.addHandler(this.channels.changed, async (data: ConfigPublication) => this.onPublication(data), true);
    this.server.addHandler(this.channels.heartbeat, async (data: ConfigHeartbeat) => this.onHeartbeat(data), true);
    this.server.onReconnected(() => void this.resync('reconnected'));
    this.server.listen(() => undefined);
    void this.client.connect().catch(() => undefined);
    this.timer = setInterval(() => this.tick(), this.settings.heartbeatMs);
    void this.resync('no-snapshot');
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([this.server.close(), this.client.close()]);
  }

  current(): ConfigSnapshot | undefined {
    return this.snapshot;
  }

  ready(): Promise<ConfigSnapshot> {
    if (this.snapshot) return Promise.resolve(this.snapshot);
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  onChange(listener: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): MirrorStatus {
    return mirrorStatus({
      snapshot: this.snapshot,
      tracker: this.tracker,
      lastHeardAt: this.lastHeardAt,
      appliedAt: this.appliedAt,
      sourceAvailable: this.sourceAvailable,
      storeReset: this.storeReset,
      silent: isAuthoritySilent(this.lastHeardAt, Date.now(), this.staleAfterMs()),
    });
  }

  /** Resolves with a snapshot at `version` or newer (read-your-writes), or undefined after `timeoutMs`. */
  awaitVersion(version: number, timeoutMs: number): Promise<ConfigSnapshot | undefined> {
    if (this.snapshot && this.snapshot.version >= version) return Promise.resolve(this.snapshot);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(undefined);
      }, timeoutMs);
      const off = this.onChange((snapshot) => {
        if (snapshot.version < version) return;
        clearTimeout(timer);
        off();
        resolve(snapshot);
      });
    });
  }

  /** Sends a write to the authority (the single writer). Unreachable → `unavailable`. */
  async write(command: WriteCommand): Promise<WriteReply> {
    try {
      return await firstValueFrom(
        this.client.send<WriteReply, WriteCommand>(this.channels.write, command).pipe(timeout(WRITE_TIMEOUT_MS)),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'config write request failed');
      return { ok: false, reason: 'unavailable', message: 'config-service unreachable' };
    }
  }

  /** Sends the operator's answer to a store reset to the authority. Unreachable → `unavailable`. */
  async resolveStoreReset(action: StoreResetAction): Promise<StoreResetReply> {
    try {
      const reply = await firstValueFrom(
        this.client
          .send<StoreResetReply, StoreResetCommand>(this.channels.storeReset, { action })
          .pipe(timeout(WRITE_TIMEOUT_MS)),
      );
      // read-your-writes: this app knows at once; the others with the authority's next heartbeat
      if (reply.ok && reply.resolved) this.storeReset = undefined;
      return reply;
    } catch (error) {
      this.logger.warn({ err: error }, 'config store reset request failed');
      return { ok: false, reason: 'unavailable', message: 'config-service unreachable' };
    }
  }

  private staleAfterMs(): number {
    return this.settings.heartbeatMs * 3;
  }

  private onPublication(publication: ConfigPublication): void {
    this.lastHeardAt = Date.now();
    const decision = decidePublication(this.tracker, publication);
    if (decision.action === 'ignore') return;
    if (decision.gap || (decision.newOrigin && this.tracker.position)) {
      this.logger.info(
        { origin: publication.origin, seq: publication.seq, gap: decision.gap, newOrigin: decision.newOrigin },
        'config stream jumped; the publication is a full snapshot',
      );
    }
    this.apply(publication);
  }

  private onHeartbeat(heartbeat: ConfigHeartbeat): void {
    this.lastHeardAt = Date.now();
    this.sourceAvailable = heartbeat.sourceAvailable;
    this.storeReset = heartbeat.storeReset;
    const reason = resyncNeededByHeartbeat(this.tracker, heartbeat);
    if (reason) void this.resync(reason);
  }

  private tick(): void {
    const silent = isAuthoritySilent(this.lastHeardAt, Date.now(), this.staleAfterMs());
    if (silent && this.snapshot && !this.silentLogged) {
      this.silentLogged = true;
      this.logger.warn({ version: this.snapshot.version }, 'config-service silent: serving the last good config');
    }
    if (!silent) this.silentLogged = false;
    if (!this.snapshot || silent) void this.resync(this.snapshot ? 'authority-silent' : 'no-snapshot');
  }

  private async resync(reason: ResyncReason): Promise<void> {
    if (this.resyncing) return;
    this.resyncing = true;
    try {
      const reply = await firstValueFrom(
        this.client
          .send<SnapshotReply, Record<string, never>>(this.channels.snapshot, {})
          .pipe(timeout(REQUEST_TIMEOUT_MS)),
      );
      if (!reply.ok) return;
      this.lastHeardAt = Date.now();
      if (!acceptsSnapshotReply(this.tracker, reply)) return;
      this.logger.info(
        { reason, origin: reply.origin, seq: reply.seq, version: reply.snapshot.version },
        'config resynchronised',
      );
      this.apply(reply);
    } catch {
      // unreachable: the tick retries; the last good config stays in force
    } finally {
      this.resyncing = false;
    }
  }

  private apply(publication: ConfigPublication): void {
    const previous = this.snapshot;
    this.tracker = {
      position: { origin: publication.origin, seq: publication.seq },
      version: publication.snapshot.version,
    };
    this.snapshot = publication.snapshot;
    this.appliedAt = Date.now();
    for (const resolve of [...this.waiters]) resolve(publication.snapshot);
    this.waiters.clear();
    if (previous && previous.version === publication.snapshot.version) return;
    this.logger.debug({ version: publication.snapshot.version, seq: publication.seq }, 'config applied');
    for (const listener of [...this.listeners]) {
      try {
        listener(publication.snapshot);
      } catch (error) {
        this.logger.error({ err: error }, 'config listener failed');
      }
    }
  }
}
