export { ConsoleModule } from './console.module';
export * from './console-assets';
export { setupGatewayApiDocs, API_DOCS_PATH } from './openapi/api-docs';
export { completeGatewayDocument, operationKeys, type CompletedDocument } from './openapi/openapi-document';
export { GATEWAY_OPERATIONS, type OperationSpec } from './openapi/gateway-operations';
