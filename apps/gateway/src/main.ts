import { setupGatewayApiDocs } from '@spaceport/api-docs';
import { bootstrapSpaceportApp } from '@spaceport/app-runtime';
import { AppModule } from './app.module';
import { loadGatewaySettings } from './settings';

void bootstrapSpaceportApp({
  role: 'gateway',
  argv: process.argv.slice(2),
  env: process.env,
  loadSettings: loadGatewaySettings,
  module: (settings) => AppModule.forSettings(settings),
  // OpenAPI: Swagger UI at /docs, JSON at /docs-json (mounted before listen)
  configureApp: (app) => {
    setupGatewayApiDocs(app, 'v1');
  },
});
