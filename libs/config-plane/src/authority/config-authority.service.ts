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
  type WriteReply,
} from '../protocol';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';
import { createRedisClient, ResilientRedisServer } from '../transport/redis-transport';
import { CONFIG_AUTHORITY_STORE } from './store-factory';
import { parseWriteCommand } from './write-command';

export interface AuthorityStatus {
  origin: string;
  seq: number;
  version: number | undefined;
  /** false while the store cannot be read (the last good config is served) */
  sourceAvailable: boolean;
  sourceProblem: string | undefined;
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

  constructor(
    @Inject(CONFIG_AUTHORITY_STORE) private readonly store: ConfigStore,
    @Inject(SPACEPORT_NODE_OPTIONS) options: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    @Inject(CONFIG_PLANE_SETTINGS) private readonly settings: ConfigPlaneSettings,
  ) {
    this.origin = `${options.nodeId}.${randomBytes(4).toString('hex')}`;
    this.channels = configPlaneChannels(options.clusterId);
    this.server = new ResilientRedisServer(settings.redis, `spaceport:${options.nodeId}:config-authority`);
    this.client = createRedisClient(settings.redis, `spaceport:${options.nodeId}:config-publisher`);
  }

  onApplicationBootstrap(): void {
    this.server.addHandler(this.channels.snapshot, async () => this.snapshotReply());
    this.server.addHandler(this.channels.write, async (data: unknown) => this.handleWrite(data));
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
    await Promise.allSettled([this.server.close(), this.client.close(), this.store.close()]);
  }

  status(): AuthorityStatus {
    return {
      origin: this.origin,
      seq: this.seq,
      version: this.latest?.snapshot.version,
      sourceAvailable: this.sourceAvailable(),
      sourceProblem: this.sourceProblem,
    };
  }

  private async loadAndWatch(): Promise<void> {
    try {
      const snapshot = await this.store.load();
      this.publish(snapshot);
      this.unwatch = this.store.watch(
        (next) => this.publish(next),
        (error) => this.reportSourceError(error),
      );
    } catch (error) {
      if (this.stopped) return;
      this.sourceProblem = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, retryInMs: LOAD_RETRY_MS }, 'config store not readable yet; retrying');
      this.loadTimer = setTimeout(() => void this.loadAndWatch(), LOAD_RETRY_MS);
    }
  }

  private publish(snapshot: ConfigSnapshot): void {
    this.sourceProblem = undefined;
    this.seq += 1;
    const publication: ConfigPublication = { origin: this.origin, seq: this.seq, snapshot, publishedAt: Date.now() };
    this.latest = publication;
    this.logger.info({ origin: this.origin, seq: this.seq, version: snapshot.version }, 'config published');
    this.emit(this.channels.changed, publication);
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
    try {
      const result: WriteResult =
        command.op === 'put'
          ? await this.store.put(command.write, command.expectedVersion)
          : await this.store.delete(command.ref, command.expectedVersion);
      return result;
    } catch (error) {
      if (error instanceof ConfigSourceError) return { ok: false, reason: 'invalid', issues: error.issues };
      this.logger.warn({ err: error }, 'config write failed');
      return { ok: false, reason: 'unavailable', message: error instanceof Error ? error.name : 'store error' };
    }
  }
}
