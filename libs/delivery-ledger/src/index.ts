export * from './delivery-ledger';
export * from './keys';
export { LedgerReplyError } from './replies';
export * from './timing';
export * from './types';
