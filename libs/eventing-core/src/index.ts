export * from './canonical-json';
export * from './cloud-event';
export * from './delivery-id';
export * from './partitioner';
export * from './retry-schedule';
export * from './signing';
export * from './verification';
export * from './partition-progress';
