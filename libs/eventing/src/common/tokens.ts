import { settingsToken } from '@spaceport/app-runtime';
import { type EventingEnv } from './settings';

/** DI token of the app's `EventingEnv` settings section (provided by the app, see AppSettingsModule). */
export const EVENTING_ENV = settingsToken<EventingEnv>('spaceport:eventing-env');
/** DI token of the fail-fast ioredis client for commands (no offline queue, short timeouts). */
export const EVENTING_REDIS = Symbol.for('spaceport:eventing-redis');
/** DI token of the fail-fast client of BullMQ's queue handles (PartitionQueues) and the accepted-event write. */
export const EVENTING_QUEUE_REDIS = Symbol.for('spaceport:eventing-queue-redis');
/** DI token of the cluster's `EventingKeys`. */
export const EVENTING_KEYS = Symbol.for('spaceport:eventing-keys');
