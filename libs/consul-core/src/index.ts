export * from './client';
export * from './connection';
