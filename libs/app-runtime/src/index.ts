export * from './bootstrap';
export * from './health/health.module';
export * from './health/health.service';
export * from './logger/nest-pino-logger';
export * from './logger/pino-logger';
export * from './consul/instance-registration';
export { RuntimeModule } from './runtime.module';
export * from './startup';
export * from './tokens';
