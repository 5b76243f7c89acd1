// The config admin API's answers no zod schema gives: project summaries, secrets by id, the store state.
import { REDACTED } from '@spaceport/config-model';
import { ref } from '../body-schemas';
import { arrayOf, count, obj, type SchemaTable, slug, str } from './shared';

const storeReset = obj(
  {
    reason: str('why the store content was not applied'),
    detectedAt: { type: 'string', format: 'date-time' },
    lastGood: obj({ version: { type: 'integer' }, projects: count }, ['version', 'projects']),
    store: obj({ version: { type: 'integer' }, projects: count }, ['version', 'projects']),
    missingKeys: arrayOf(str(), { description: 'project and trigger keys of the last good config the store lacks' }),
  },
  ['reason', 'detectedAt', 'lastGood', 'store', 'missingKeys'],
  { description: 'set while the last good config is held against a reset config store' },
);

export const CONFIG_SCHEMAS: SchemaTable = {
  RedactedSecrets: obj(
    {
      webhook: arrayOf({ type: 'string', enum: [REDACTED] }),
      apiTokens: arrayOf({ type: 'string', enum: [REDACTED] }),
    },
    ['webhook', 'apiTokens'],
    { description: 'write-only: only the count shows' },
  ),
  SecretsView: obj(
    {
      webhook: arrayOf(obj({ id: str('first 12 hex of the SHA-256') }, ['id'])),
      apiTokens: arrayOf(
        obj({ id: str(), hashed: { type: 'boolean', description: 'stored as sha256:<hex>' } }, ['id', 'hashed']),
      ),
    },
    ['webhook', 'apiTokens'],
  ),
  SecretsChange: obj({ secrets: ref('SecretsView') }, ['secrets']),
  CreatedSecret: obj({ id: str(), value: str('the secret: shown in this answer only'), secrets: ref('SecretsView') }, [
    'id',
    'value',
    'secrets',
  ]),
  ProjectSummary: obj(
    {
      id: slug,
      name: str(),
      version: { type: 'integer' },
      triggers: arrayOf(
        obj({ id: slug, type: str(), url: str(), enabled: { type: 'boolean' } }, ['id', 'type', 'url', 'enabled']),
      ),
    },
    ['id', 'name', 'version', 'triggers'],
  ),
  ConfigStore: obj(
    {
      state: { type: 'string', enum: ['waiting', 'in-sync', 'stale'] },
      version: { type: 'integer' },
      sourceAvailable: { type: 'boolean' },
      storeReset: { ...storeReset, nullable: true },
    },
    ['state', 'sourceAvailable', 'storeReset'],
  ),
  StoreResetResult: obj(
    {
      action: { type: 'string', enum: ['restore', 'accept'] },
      written: { type: 'integer', minimum: 0, description: 'entries written back (restore)' },
      conflicts: { type: 'integer', minimum: 0, description: 'entries changed meanwhile: run the restore again' },
      resolved: { type: 'boolean', description: 'the store holds the last good config again (or it was accepted)' },
      version: { type: 'integer', description: 'version of the config in force' },
    },
    ['action', 'written', 'conflicts', 'resolved'],
  ),
};
