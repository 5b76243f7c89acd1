// JSON schemas (OpenAPI 3.0 dialect) of the bodies no zod schema validates: the answers the services
// build (event log, cluster status, errors, health) and the two small bodies the event log API checks
// in code, one file of schemas/ per API family. Every body a zod schema validates is generated from it
// (body-schemas.ts).
import { mergeTables } from './merge-tables';
import { CLUSTER_SCHEMAS } from './schemas/cluster';
import { CONFIG_SCHEMAS } from './schemas/config';
import { EVENT_SCHEMAS } from './schemas/events';
import { ERROR_SCHEMAS, type SchemaTable } from './schemas/shared';

/** `components.schemas` of the gateway document that no zod schema gives. */
export const HANDWRITTEN_SCHEMAS: SchemaTable = mergeTables(
  'schema',
  ERROR_SCHEMAS,
  CONFIG_SCHEMAS,
  EVENT_SCHEMAS,
  CLUSTER_SCHEMAS,
);
