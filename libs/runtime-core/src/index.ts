export * from './config-error';
export * from './lifecycle';
export * from './node-options';
