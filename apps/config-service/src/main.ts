import { bootstrapSpaceportApp } from '@spaceport/app-runtime';
import { AppModule } from './app.module';
import { loadConfigServiceSettings } from './settings';

void bootstrapSpaceportApp({
  role: 'config-service',
  argv: process.argv.slice(2),
  env: process.env,
  loadSettings: loadConfigServiceSettings,
  module: (settings) => AppModule.forSettings(settings),
});
