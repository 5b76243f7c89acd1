import { type ConfigRef, type ConfigSnapshot, type FieldIssue } from '@spaceport/config-model';
import { type ConfigWrite } from '@spaceport/config-store';
import { type StoreResetStatus } from './authority/store-reset';

/**
 * Config-plane messages over the Nest Redis transport. Channels are scoped by cluster so several
 * clusters can share one Redis: `spaceport:<cluster>:config:<name>`.
 */
export interface ConfigPlaneChannels {
  /** event: the authority publishes every new snapshot */
  changed: string;
  /** event: the authority's periodic heartbeat */
  heartbeat: string;
  /** request/response: the current snapshot */
  snapshot: string;
  /** request/response: a CAS write (the authority is the single writer) */
  write: string;
  /** request/response: the operator's answer to a store reset (restore or accept) */
  storeReset: string;
}

export function configPlaneChannels(clusterId: string): ConfigPlaneChannels {
  const base = `spaceport:${clusterId}:config:`;
  return {
    changed: `${base}changed`,
    heartbeat: `${base}heartbeat`,
    snapshot: `${base}snapshot`,
    write: `${base}write`,
    storeReset: `${base}store-reset`,
  };
}

/** Where a publication stands in the authority's stream: `origin` = one authority process, `seq` +1 per publication. */
export interface StreamPosition {
  origin: string;
  seq: number;
}

/** A new snapshot (each publication is self-contained: the whole config). */
export interface ConfigPublication extends StreamPosition {
  snapshot: ConfigSnapshot;
  publishedAt: number;
}

export interface ConfigHeartbeat extends StreamPosition {
  version: number;
  sentAt: number;
  /** false while the authority cannot read its store (Consul down, file invalid): config is frozen */
  sourceAvailable: boolean;
  /** set while the authority holds the last good config against a reset store */
  storeReset?: StoreResetStatus;
}

/** Reply to a snapshot request: the position the snapshot corresponds to. */
export type SnapshotReply = ({ ok: true } & ConfigPublication) | { ok: false; reason: 'unavailable'; message: string };

export type WriteCommand =
  | { op: 'put'; write: ConfigWrite; expectedVersion: number }
  | { op: 'delete'; ref: ConfigRef; expectedVersion: number };

export type WriteReply =
  | { ok: true; version: number }
  | { ok: false; reason: 'conflict'; currentVersion: number }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; issues: FieldIssue[] }
  | { ok: false; reason: 'unavailable'; message: string };

/** What the operator does about a held store reset (docs/operations.md#config-store-reset). */
export type StoreResetAction = 'restore' | 'accept';

export interface StoreResetCommand {
  action: StoreResetAction;
}

export type StoreResetReply =
  /**
   * restore: `written` entries put back, `conflicts` changed meanwhile (run it again), `resolved` once
   * the store holds the last good config again; accept: the store's config applied. `version`: in force.
   */
  | {
      ok: true;
      action: StoreResetAction;
      written: number;
      conflicts: number;
      resolved: boolean;
      version: number | undefined;
    }
  | { ok: false; reason: 'not-reset' | 'invalid' | 'unavailable'; message: string };
