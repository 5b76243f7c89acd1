export { ConsoleModule } from './console.module';
export * from './console-assets';
