export * from './cas';
export * from './config-store';
export * from './file-config-store';
export { formatOfPath, type FileFormat } from './editable-document';
export * from './consul-config-store';
export * from './consul-config-decode';
