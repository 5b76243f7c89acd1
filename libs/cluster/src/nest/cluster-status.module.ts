import { Module } from '@nestjs/common';
import { ClusterStatusController } from './cluster-status.controller';

/** The gateway's cluster status API; NodeOptions and the Consul client come from the global runtime. */
@Module({ controllers: [ClusterStatusController] })
export class ClusterStatusModule {}
