import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ClientRedis } from '@nestjs/microservices';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConfigSnapshot } from '@spaceport/config-model';
import { type ConfigStore, ConfigSourceError, type WriteResult } from '@spaceport/config-store';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import {
  type ConfigHeartbeat,
  type ConfigPlaneChannels,
  type ConfigPublication,
  configPlaneChannels,
  type SnapshotReply,
  type StoreResetReply,
  type WriteReply,
} from '../protocol';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';
import { ConfigMessageAuth } from '../signing/config-message-auth';
import { createRedisClient, ResilientRedisServer } from '../transport/redis-transport';
import { CONFIG_AUTHORITY_STORE } from './store-factory';
import { LastGoodCopy } from './last-good-copy';
import { type StoreResetStatus } from './store-reset';
import { StoreResetGuard } from './store-reset-guard';
import { runStoreResetCommand } from './store-reset-command';
import { parseWriteCommand } from './write-command';

export interface AuthorityStatus {
  origin: string;
  seq: number;
  version: number | undefined;
  /** false while the store cannot be read (the last good config is served) */
  sourceAvailable: boolean;
  sourceProblem: string | undefined;
  /** set while the last good config is held against a reset store */
  storeReset: StoreResetStatus | undefined;
}

const LOAD_RETRY_MS = 1_000;

/**
 * The config-service side of the config plane: the single reader/writer of the store. It loads and
 * watches the store, publishes every new snapshot with (origin, seq), sends heartbeats, and answers
 * snapshot and write requests over the Nest Redis transport.
 */
@Injectable()
export class ConfigAuthorityService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** one id per process: a restarted authority is a new origin, and mirrors resync */
  readonly origin: string;
  private readonly channels: ConfigPlaneChannels;
  private readonly server: ResilientRedisServer;
  private readonly client: ClientRedis;
  private seq = 0;
  private latest: ConfigPublication | undefined;
  private sourceProblem: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private loadTimer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private stopped = false;
  private readonly guard: StoreResetGuard;
  /** only where the store can be reset behind our back (Consul KV) */
  private readonly lastGoodCopy: LastGoodCopy | undefined;

  constructor(
    @Inject(CONFIG_AUTHORITY_STORE) private readonly store: ConfigStore,
    @Inject(SPACEPORT_NODE_OPTIONS) options: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    @Inject(CONFIG_PLANE_SETTINGS) private readonly settings: ConfigPlaneSettings,
    @Inject(ConfigMessageAuth) auth: ConfigMessageAuth,
  ) {
    this.origin = `${options.nodeId}.${randomBytes(4).toString('hex')}`;
    this.channels = configPlaneChannels(options.clusterId);
    this.server = new ResilientRedisServer(settings.redis, `spaceport:${options.nodeId}:config-authority`, auth);
    this.client = createRedisClient(settings.redis, `spaceport:${options.nodeId}:config-publisher`, auth);
    this.guard = new StoreResetGuard(options.enableConsul);
    this.lastGoodCopy = options.enableConsul
      ? new LastGoodCopy(settings.redis, options.clusterId, `spaceport:${options.nodeId}:config-last-good`, auth)
      : undefined;
  }

  onApplicationBootstrap(): void {
    this.server.addHandler(this.channels.snapshot, async () => this.snapshotReply());
    this.server.addHandler(this.channels.write, async (data: unknown) => this.handleWrite(data));
    this.server.addHandler(this.channels.storeReset, async (data: unknown) => this.handleStoreReset(data));
    this.server.listen(() => undefined);
    void this.client.connect().catch(() => undefined);
    this.heartbeat = setInterval(() => this.sendHeartbeat(), this.settings.heartbeatMs);
    void this.loadAndWatch();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.loadTimer);
    this.unwatch?.();
    await Promise.allSettled([
      this.server.close(),
      this.client.close(),
      this.store.close(),
      this.lastGoodCopy?.close(),
    ]);
  }

  status(): AuthorityStatus {
    return {
      origin: this.origin,
      seq: this.seq,
      version: this.latest?.snapshot.version,
      sourceAvailable: this.sourceAvailable(),
      sourceProblem: this.sourceProblem,
      storeReset: this.guard.status(),
    };
  }

  private async loadAndWatch(): Promise<void> {
    try {
      const snapshot = await this.store.load();
      const copy = await this.lastGoodCopy?.read();
      if (copy) this.guard.seed(copy);
      this.onStoreSnapshot(snapshot);
      this.unwatch = this.store.watch(
        (next) => this.onStoreSnapshot(next),
        (error) => this.reportSourceError(error),
      );
    } catch (error) {
      if (this.stopped) return;
      this.sourceProblem = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, retryInMs: LOAD_RETRY_MS }, 'config store not readable yet; retrying');
      this.loadTimer = setTimeout(() => void this.loadAndWatch(), LOAD_RETRY_MS);
    }
  }

  /** Applies a snapshot read from the store, unless it is a reset of the store (then the last good one stays). */
  private onStoreSnapshot(next: ConfigSnapshot): void {
    this.sourceProblem = undefined;
    const held = this.guard.status() !== undefined;
    const apply = this.guard.onStoreSnapshot(next);
    if (apply) {
      if (held) this.logger.warn({ version: apply.version }, 'config store holds the last good config again');
      this.publish(apply);
      return;
    }
    const inForce = this.guard.inForce;
    if (!held)
      this.logger.error(
        { storeReset: this.guard.status() },
        'config store reset detected: the last good config stays in force until it is restored or accepted (POST /v1/config/store/restore or /accept)',
      );
    if (inForce && this.latest?.snapshot !== inForce) this.publish(inForce);
  }

  private publish(snapshot: ConfigSnapshot): void {
    this.seq += 1;
    const publication: ConfigPublication = { origin: this.origin, seq: this.seq, snapshot, publishedAt: Date.now() };
    this.latest = publication;
    this.logger.info({ origin: this.origin, seq: this.seq, version: snapshot.version }, 'config published');
    this.emit(this.channels.changed, publication);
    void this.lastGoodCopy?.write(snapshot);
  }

  private sendHeartbeat(): void {
    if (!this.latest) return;
    const heartbeat: ConfigHeartbeat = {
      origin: this.origin,
      seq: this.seq,
      version: this.latest.snapshot.version,
      sentAt: Date.now(),
      sourceAvailable: this.sourceAvailable(),
    };
    const storeReset = this.guard.status();
    if (storeReset) heartbeat.storeReset = storeReset;
    this.emit(this.channels.heartbeat, heartbeat);
  }

  /** A lost publication (Redis down) is healed by the mirrors: the next heartbeat shows the higher seq. */
  private emit(channel: string, data: ConfigPublication | ConfigHeartbeat): void {
    this.client.emit(channel, data).subscribe({ error: () => undefined });
  }

  private sourceAvailable(): boolean {
    if (this.store.unavailableSinceMs !== undefined) return false;
    return this.sourceProblem === undefined && this.latest !== undefined;
  }

  private reportSourceError(error: ConfigSourceError): void {
    // Keys and field paths only: ConfigSourceError never carries a value.
    this.logger.error(
      { key: error.source, issues: error.issues },
      `rejected config: ${error.message}; the last good value stays in force`,
    );
  }

  private snapshotReply(): SnapshotReply {
    if (!this.latest)
      return { ok: false, reason: 'unavailable', message: this.sourceProblem ?? 'config not loaded yet' };
    return { ok: true, ...this.latest };
  }

  private async handleWrite(data: unknown): Promise<WriteReply> {
    const parsed = parseWriteCommand(data);
    if (!parsed.ok) return { ok: false, reason: 'invalid', issues: parsed.issues };
    const command = parsed.command;
    const storeReset = this.guard.status();
    if (storeReset)
      return {
        ok: false,
        reason: 'unavailable',
        message: `config store reset: restore or accept it first (${storeReset.reason})`,
      };
    try {
      if (command.op === 'put') return await this.store.put(command.write, command.expectedVersion);
      this.guard.deleting(command.ref);
      const result: WriteResult = await this.store.delete(command.ref, command.expectedVersion);
      if (!result.ok) this.guard.deleteFailed(command.ref);
      return result;
    } catch (error) {
      if (command.op === 'delete') this.guard.deleteFailed(command.ref);
      if (error instanceof ConfigSourceError) return { ok: false, reason: 'invalid', issues: error.issues };
      this.logger.warn({ err: error }, 'config write failed');
      return { ok: false, reason: 'unavailable', message: error instanceof Error ? error.name : 'store error' };
    }
  }

  private async handleStoreReset(data: unknown): Promise<StoreResetReply> {
    const reply = await runStoreResetCommand(data, this.guard, this.store);
    if (!reply.ok) return reply;
    this.logger.warn(
      { action: reply.action, written: reply.written, conflicts: reply.conflicts },
      'config store reset answered',
    );
    if (reply.action === 'accept' && this.guard.inForce) this.publish(this.guard.inForce);
    this.sendHeartbeat(); // the mirrors learn at once that the hold ended
    return { ...reply, version: this.guard.inForce?.version };
  }
}
