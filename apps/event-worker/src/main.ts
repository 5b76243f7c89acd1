import { bootstrapSpaceportApp } from '@spaceport/app-runtime';
import { AppModule } from './app.module';
import { loadEventWorkerSettings } from './settings';

void bootstrapSpaceportApp({
  role: 'event-worker',
  argv: process.argv.slice(2),
  env: process.env,
  loadSettings: loadEventWorkerSettings,
  module: (settings) => AppModule.forSettings(settings),
});
