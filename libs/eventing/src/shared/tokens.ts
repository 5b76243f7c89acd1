/** DI token of the parsed `EventingEnv`. */
export const EVENTING_ENV = Symbol.for('spaceport:eventing-env');
/** DI token of the fail-fast ioredis client for commands (no offline queue, short timeouts). */
export const EVENTING_REDIS = Symbol.for('spaceport:eventing-redis');
/** DI token of the fail-fast client of BullMQ's queue handles (PartitionQueues) and the accepted-event write. */
export const EVENTING_QUEUE_REDIS = Symbol.for('spaceport:eventing-queue-redis');
/** DI token of the cluster's `EventingKeys`. */
export const EVENTING_KEYS = Symbol.for('spaceport:eventing-keys');
