export * from './redis-connection';
export * from './redis-options';
export * from './create-redis';
export * from './ending-cluster';
export * from './ending-redis';
export * from './key-layout';
export * from './topology-check';
export * from './redis-wait';
