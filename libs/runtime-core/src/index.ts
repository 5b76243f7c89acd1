export * from './abort';
export * from './backoff';
export * from './config-error';
export * from './config-values';
export * from './emitter';
export * from './node-options';
