import { Inject, Injectable } from '@nestjs/common';
import { type NodeOptions, type NodeRole } from '@spaceport/runtime-core';
import { type RunMode, SPACEPORT_NODE_OPTIONS, runMode } from '../tokens';

export interface HealthStatus {
  status: 'ok';
  role: NodeRole;
  nodeId: string;
  mode: RunMode;
}

/** Liveness of this instance: it is up and knows who it is and which mode it runs in. */
@Injectable()
export class HealthService {
  constructor(@Inject(SPACEPORT_NODE_OPTIONS) private readonly options: NodeOptions) {}

  status(): HealthStatus {
    return { status: 'ok', role: this.options.role, nodeId: this.options.nodeId, mode: runMode(this.options) };
  }
}
