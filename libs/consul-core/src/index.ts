export * from './client';
export * from './config-error';
export * from './connection';
export * from './node-options';
