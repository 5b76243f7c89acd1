export * from './client';
export * from './config-error';
export * from './connection';
export * from './consul-env';
export * from './errors';
export * from './node-options';
export * from './blocking-query';
export { parseConsulIndex, RequestContext } from './consul-request';
export * from './kv';
export * from './leader-election';
export type { SessionSettings } from './leader-session';
export {
  abortableSleep,
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_BACKOFF,
  retryUntilAborted,
  START_UP_BACKOFF,
} from './lifecycle';
export * from './registration';
export * from './watches';
