export * from './cas';
export * from './config-store';
export * from './file-config-store';
export { formatOfPath, type FileFormat } from './editable-document';
// The Consul store only as a type and an on-demand loader: consul-core loads in distributed mode only.
export type { ConsulConfigStore, ConsulConfigStoreOptions } from './consul-config-store';
export { loadConsulConfigStore } from './consul-config-store-loader';
export * from './consul-config-decode';
