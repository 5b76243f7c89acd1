import { type ConfigHeartbeat, type ConfigPublication, type StreamPosition } from '../protocol';

/** What the mirror knows about the authority's stream. */
export interface TrackerState {
  /** position of the snapshot in force; undefined before the first one */
  position: StreamPosition | undefined;
  /** version of the snapshot in force */
  version: number | undefined;
}

export type PublicationDecision =
  /** next in sequence (or self-contained jump): apply it */
  | { action: 'apply'; gap: boolean; newOrigin: boolean }
  /** already have it or older */
  | { action: 'ignore' };

/**
 * Pure: what to do with a publication. A publication carries the whole snapshot, so a gap (seq
 * jumped) or a new origin (the authority restarted) is healed by applying it; a duplicate or an
 * older one is ignored.
 */
export function decidePublication(
  state: TrackerState,
  publication: Pick<ConfigPublication, 'origin' | 'seq'>,
): PublicationDecision {
  const position = state.position;
  if (!position) return { action: 'apply', gap: false, newOrigin: true };
  if (position.origin !== publication.origin) return { action: 'apply', gap: false, newOrigin: true };
  if (publication.seq <= position.seq) return { action: 'ignore' };
  return { action: 'apply', gap: publication.seq !== position.seq + 1, newOrigin: false };
}

export type ResyncReason = 'no-snapshot' | 'new-origin' | 'missed-publication' | 'reconnected' | 'authority-silent';

/**
 * Pure: does a heartbeat show we missed something? A heartbeat of another origin (the authority
 * restarted) or of a higher seq (a publication never arrived) means: request a full snapshot.
 */
export function resyncNeededByHeartbeat(
  state: TrackerState,
  heartbeat: Pick<ConfigHeartbeat, 'origin' | 'seq'>,
): ResyncReason | undefined {
  const position = state.position;
  if (!position) return 'no-snapshot';
  if (position.origin !== heartbeat.origin) return 'new-origin';
  if (heartbeat.seq > position.seq) return 'missed-publication';
  return undefined;
}

/** Pure: the authority is considered silent when no heartbeat or publication came for `staleAfterMs`. */
export function isAuthoritySilent(lastHeardAt: number | undefined, now: number, staleAfterMs: number): boolean {
  return lastHeardAt === undefined || now - lastHeardAt > staleAfterMs;
}

/** Pure: a snapshot reply replaces the state when it is not older than what we hold (same origin). */
export function acceptsSnapshotReply(state: TrackerState, reply: StreamPosition): boolean {
  const position = state.position;
  if (!position || position.origin !== reply.origin) return true;
  return reply.seq >= position.seq;
}
