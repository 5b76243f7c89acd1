import { AssignmentFollower } from './assignment-follower';
import { AssignmentLeader, type AssignmentLeaderOptions, type ClusterNodeOptions } from './assignment-leader';
import { type PartitionRunner } from './partition-runner';

export interface ClusterCoordinatorOptions
  extends ClusterNodeOptions, Pick<AssignmentLeaderOptions, 'partitionsToAssign'> {
  runner: PartitionRunner;
  /** the instance's TTL check (ServiceRegistration.checkId) the leader session is tied to */
  serviceCheckId?: string;
}

/**
 * One event worker's part in the cluster: a leader candidate (assigns while elected) and a
 * follower (runs what the assignment gives it). The instance's registration is the caller's.
 */
export class ClusterCoordinator {
  readonly leader: AssignmentLeader;
  readonly follower: AssignmentFollower;

  constructor(options: ClusterCoordinatorOptions) {
    const { runner } = options;
    const highestEpoch = runner.highestEpoch?.bind(runner);
    this.leader = new AssignmentLeader({ ...options, ...(highestEpoch ? { highestEpoch } : {}) });
    this.follower = new AssignmentFollower(options);
    runner.setOwnershipCheck?.((partition, epoch) => this.follower.owns(partition, epoch));
    runner.setStopListener?.((partition) => this.follower.runnerStopped(partition));
  }

  start(): this {
    this.follower.start();
    this.leader.start();
    return this;
  }

  /** Graceful: stops its partitions (cooperative), then steps down (an explicit release, no lock-delay). */
  async stop(): Promise<void> {
    await this.follower.stop();
    await this.leader.stop();
  }
}
