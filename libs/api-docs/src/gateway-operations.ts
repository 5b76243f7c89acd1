// What the gateway's routes take and answer, keyed by `METHOD /path/{param}`: the OpenAPI document is
// Nest's scan of the mounted controllers (so a new route shows up by itself) completed from this table.
// Bodies are named components: generated from the zod schemas that validate them (body-schemas.ts), or
// written by hand where no zod schema does (handwritten-schemas.ts). apps/gateway/src/api-docs.spec.ts
// fails when a route of the gateway has no entry here, or takes a body without a schema.
// Each API family's operations are in a file of operations/, written with operations/shared.ts.
import { mergeTables } from './merge-tables';
import { CLUSTER_OPERATIONS } from './operations/cluster-ops';
import { CONFIG_PROJECT_OPERATIONS } from './operations/config-projects';
import { CONFIG_SECRET_OPERATIONS } from './operations/config-secrets';
import { CONFIG_STORE_OPERATIONS } from './operations/config-store';
import { CONSOLE_OPERATIONS } from './operations/console';
import { OBSERVE_OPERATIONS } from './operations/observe';
import { QUEUE_OPERATIONS } from './operations/queue';
import { type OperationTable } from './operations/shared';

export {
  type Auth,
  BODY_ERRORS,
  type OperationSpec,
  type OperationTable,
  type ParamSpec,
  type ResponseSpec,
} from './operations/shared';

export const GATEWAY_OPERATIONS: OperationTable = mergeTables(
  'gateway operation',
  CONFIG_PROJECT_OPERATIONS,
  CONFIG_STORE_OPERATIONS,
  CONFIG_SECRET_OPERATIONS,
  QUEUE_OPERATIONS,
  OBSERVE_OPERATIONS,
  CLUSTER_OPERATIONS,
  CONSOLE_OPERATIONS,
);
