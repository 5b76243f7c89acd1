export * from './consul-agent';
export * from './managed-process';
export * from './ports';
export * from './redis-server';
export * from './suite';
export * from './tls-certs';
export * from './wait';
