import { type LostReason } from '@spaceport/consul-core';
import { type AssignmentDocument } from './assignment-document';
import { type GateReason } from './follower-plan';

/** Everything the coordinator reports, for logs and tests; never carries secrets. */
export type ClusterEvent =
  | { type: 'elected'; nodeId: string; lockIndex: number }
  | { type: 'lost'; nodeId: string; reason: LostReason }
  | { type: 'assigned'; nodeId: string; document: AssignmentDocument; moves: number }
  | { type: 'write-refused'; nodeId: string; reason: 'not-lock-holder' | 'stale-index' }
  | { type: 'partition-started'; nodeId: string; partition: number; epoch: number; reason: GateReason }
  | { type: 'partition-stopped'; nodeId: string; partition: number; reason?: 'fenced' }
  | { type: 'acked'; nodeId: string; generation: number }
  | { type: 'ownership'; nodeId: string; valid: boolean }
  | { type: 'error'; nodeId: string; where: string; message: string };

export type ClusterEventListener = (event: ClusterEvent) => void;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
