import { type ConfigRef, type ConfigSnapshot, type FieldIssue } from '@spaceport/config-model';
import { type ConfigWrite } from '@spaceport/config-store';

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
}

export function configPlaneChannels(clusterId: string): ConfigPlaneChannels {
  const base = `spaceport:${clusterId}:config:`;
  return {
    changed: `${base}changed`,
    heartbeat: `${base}heartbeat`,
    snapshot: `${base}snapshot`,
    write: `${base}write`,
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
