import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Logger } from 'pino';
import { completeGatewayDocument } from './openapi-document';

export const API_DOCS_PATH = 'docs';

/**
 * Mounts the gateway's OpenAPI 3 document: Swagger UI at `/docs`, the JSON at `/docs-json`. Call
 * before `listen` (`SpaceportAppSpec.configureApp`). Routes the operation table does not describe
 * are still listed (as Nest scanned them) and named in a start-up warning.
 */
export function setupGatewayApiDocs(app: INestApplication, version: string): OpenAPIObject {
  const base = new DocumentBuilder()
    .setTitle('Spaceport gateway API')
    .setDescription('Config admin API, queue and event log API, cluster status. The web console is at /console.')
    .setVersion(version)
    .build();
  const { document, undocumented, unmatched } = completeGatewayDocument(SwaggerModule.createDocument(app, base));
  if (undocumented.length > 0 || unmatched.length > 0) {
    app
      .get<Logger>(SPACEPORT_LOGGER)
      .warn({ undocumented, unmatched }, 'OpenAPI: routes and the operation table differ');
  }
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: `${API_DOCS_PATH}-json`,
    raw: ['json'],
    customSiteTitle: 'Spaceport gateway API',
  });
  return document;
}
