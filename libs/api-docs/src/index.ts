export { setupGatewayApiDocs, API_DOCS_PATH } from './api-docs';
export {
  completeGatewayDocument,
  gatewaySchemas,
  HTTP_METHODS,
  operationKeys,
  type CompletedDocument,
} from './openapi-document';
export { GATEWAY_OPERATIONS, type OperationSpec } from './gateway-operations';
export { declaredRoutes, type DeclaredRoute } from './route-inventory';
