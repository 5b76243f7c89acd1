export * from './client';
export * from './config-error';
export * from './connection';
export * from './consul-env';
export * from './errors';
export * from './node-options';
