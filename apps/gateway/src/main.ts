import { setupGatewayApiDocs } from '@spaceport/api-docs';
import { bootstrapSpaceportApp } from '@spaceport/app-runtime';
import { AppModule } from './app.module';

void bootstrapSpaceportApp({
  role: 'gateway',
  module: AppModule,
  // OpenAPI: Swagger UI at /docs, JSON at /docs-json (mounted before listen)
  configureApp: (app) => {
    setupGatewayApiDocs(app, 'v1');
  },
});
