export * from './cas';
export * from './config-store';
export * from './file-config-store';
export { formatOfPath, type FileFormat } from './editable-document';
