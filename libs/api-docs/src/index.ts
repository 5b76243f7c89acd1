export { setupGatewayApiDocs } from './api-docs';
export { gatewaySchemas } from './openapi-document';
export { GATEWAY_OPERATIONS } from './gateway-operations';
export { declaredRoutes } from './route-inventory';
